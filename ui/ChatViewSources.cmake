# The chat view: messages, their layout cache and actions.
target_sources(adminchat_ui PRIVATE
    ChatView.h ChatView.cpp
)
