# The conversation sidebar and the endpoint profile editor.
