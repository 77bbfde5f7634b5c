# Retries, TLS certificate errors and request logging of the streaming client.
