# Tests of smooth streaming (SmartChunker, StreamPacer) and the display-lag metric.
list(APPEND ADMINCHAT_CORE_TESTS tst_smartchunker tst_streampacer)
