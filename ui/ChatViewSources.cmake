# The chat view: messages, their layout cache and actions.
target_sources(adminchat_ui PRIVATE
    ChatActionBar.h ChatActionBar.cpp
    ChatHeightIndex.h ChatHeightIndex.cpp
    ChatMessageLayout.h ChatMessageLayout.cpp
    ChatStyle.h ChatStyle.cpp
    ChatView.h ChatView.cpp
    MarkdownRenderer.h MarkdownRenderer.cpp
    MarkdownSegmenter.h MarkdownSegmenter.cpp
    StreamingMarkdown.h StreamingMarkdown.cpp
)
