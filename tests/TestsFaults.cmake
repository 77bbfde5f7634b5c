# Every fault mode of the demo endpoint through the real client, with memory bounds.
