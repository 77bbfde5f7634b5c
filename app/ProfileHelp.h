// The help texts of `adminchat profile` and its subcommands.
#pragma once

namespace adminchat::profilehelp {

inline constexpr const char* usageText =
    R"(Usage: adminchat profile add NAME --base-url URL [OPTIONS]
       adminchat profile list [--json]
       adminchat profile remove NAME
       adminchat profile test NAME
       adminchat profile probe NAME [OPTIONS]

Endpoint profiles: a name for a base URL with its model, headers, timeouts, retries and CA
file. Profiles are saved in the settings file; their API keys and secret header values go to
the OS keychain (Secret Service), never to a file. Without a keychain, pass a profile's key as
ADMINCHAT_API_KEY_<NAME> (the name upper-cased, other characters as _) and a secret header's
value as ADMINCHAT_HEADER_<NAME>__<HEADER>; these variables are used before the keychain.

Built-in profiles: Environment (OPENAI_BASE_URL and OPENAI_API_KEY, when set) and Demo (the
simulated endpoint). `adminchat profile COMMAND --help` shows a command's options.
)";

inline constexpr const char* addHelp = R"(Usage: adminchat profile add NAME --base-url URL [OPTIONS]

Saves an endpoint profile. With --api-key-stdin the key is read from stdin (not echoed on a
terminal) and stored in the OS keychain before the profile is saved, as are the values of secret
headers; when no keychain answers, nothing is saved.

Options:
  --base-url URL          Endpoint base URL, e.g. https://api.example.com/v1 (required).
  --model M               Default model.
  --key-header NAME       How the key is sent: Authorization (default: "Authorization:
                          Bearer KEY"), api-key (Azure OpenAI: "api-key: KEY") or
                          another header name, whose value is then the key alone.
  --header K:V            Extra request header, repeatable. A header named like a
                          credential (key, token, secret, auth, password, cookie) is
                          secret: its value goes to the keychain, never to a file.
  --secret-header K:V     The same, secret whatever its name (an empty value: it comes
                          from ADMINCHAT_HEADER_<NAME>__<HEADER> or is kept as stored).
  --connect-timeout S     Seconds to connect and send a request (default 10).
  --idle-timeout S        Longest silence from the server in seconds (default 60).
  --total-timeout S       Limit for a whole answer in seconds (default none).
  --max-retries N         Times a request failing before its answer starts (408, 409,
                          429, 5xx, connection error, timeout) is sent again, with
                          backoff and the server's retry-after (default 2, 0 to 10).
  --ca-file FILE          PEM file of extra CA certificates to trust (private CA,
                          self-signed server); TLS verification stays on.
  --no-stream-options     Never send stream_options (servers that reject it; otherwise
                          a rejected request is retried once without it).
  --predict               On regenerate and edit, send the previous answer as a
                          prediction (OpenAI Predicted Outputs; off by default).
  --provider NAME         Who serves it, as the telemetry names it (gen_ai.provider.name:
                          azure.ai.openai, aws.bedrock, ...; default openai).
  --api-key-stdin         Read the API key from stdin.
  --replace               Replace an existing profile of that name (its stored key is kept
                          unless --api-key-stdin gives a new one).
  -h, --help              Show this help.
)";

inline constexpr const char* listHelp = R"(Usage: adminchat profile list [--json]

Lists the profiles: name, base URL, default model, where the key comes from ("keychain",
"env" for ADMINCHAT_API_KEY_<NAME> or OPENAI_API_KEY, "none") and the names of the extra
headers, with (secret) after those whose values live in the keychain. Never prints a key or a
secret value and never asks the keychain.

Options:
  --json       One JSON array.
  -h, --help   Show this help.
)";

inline constexpr const char* removeHelp = R"(Usage: adminchat profile remove NAME

Removes a saved profile, and its key and secret header values from the keychain. When the keychain cannot be reached the
profile is kept, so that its key is not left behind unnamed.

Options:
  -h, --help   Show this help.
)";

inline constexpr const char* testHelp = R"(Usage: adminchat profile test NAME

Lists the endpoint's models (GET {base}/models) with the profile's headers, CA file and key, and
prints how many there are, the first ones and the round trip. Exit status 1 when that fails.

Options:
  -h, --help   Show this help.
)";

} // namespace adminchat::profilehelp
