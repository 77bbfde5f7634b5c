# The chat view: messages, their layout cache and actions.
target_sources(adminchat_ui PRIVATE
    ChatActionBar.h ChatActionBar.cpp
    ChatHeightIndex.h ChatHeightIndex.cpp
    ChatIcons.h ChatIcons.cpp
    ChatMessageAccessible.h ChatMessageAccessible.cpp
    ChatMessageLayout.h ChatMessageLayout.cpp
    ChatStyle.h ChatStyle.cpp
    ChatView.h ChatView.cpp
    ChatViewAccessible.h ChatViewAccessible.cpp
    ChatViewKeyboard.h ChatViewKeyboard.cpp
    ChatViewPointer.h ChatViewPointer.cpp
    ChatWelcome.h ChatWelcome.cpp
    MarkdownPreview.h MarkdownPreview.cpp
    MarkdownRenderer.h MarkdownRenderer.cpp
    MarkdownSegmenter.h MarkdownSegmenter.cpp
    StreamingMarkdown.h StreamingMarkdown.cpp
)
