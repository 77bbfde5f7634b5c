// The chat view with long conversations: opening one (estimates, layout of what is in view and
// the first paint), scrolling it page by page, and streaming into a long answer.
#include "ChatView.h"

#include <QApplication>
#include <QImage>
#include <QScrollBar>
#include <benchmark/benchmark.h>
#include <map>
#include <random>

using namespace adminchat;

namespace {

const QStringList kWords =
    QStringLiteral("the a model token latency request server answer stream value "
                   "time first second cache layout memory queue batch prompt "
                   "output input context window endpoint through rate quick "
                   "because which would could should every result number")
        .split(QLatin1Char(' '));

QString words(std::mt19937& rng, int count)
{
    std::uniform_int_distribution<int> pick(0, int(kWords.size()) - 1);
    QString text;
    for (int i = 0; i < count; ++i) {
        if (i > 0)
            text += QLatin1Char(' ');
        text += kWords.at(pick(rng));
    }
    return text;
}

// 50-400 words in paragraphs, with a heading, a list, inline code and (sometimes) a code block
// or a table, as models write them.
QString answerText(std::mt19937& rng)
{
    std::uniform_int_distribution<int> length(50, 400);
    std::uniform_int_distribution<int> percent(0, 99);
    int left = length(rng);
    QString text;
    if (percent(rng) < 40)
        text += QStringLiteral("## ") + words(rng, 3) + QStringLiteral("\n\n");
    while (left > 0) {
        const int paragraph = qMin(left, std::uniform_int_distribution<int>(20, 80)(rng));
        text += words(rng, paragraph) + QStringLiteral(" with `inline code` and **bold**.\n\n");
        left -= paragraph;
        const int kind = percent(rng);
        if (kind < 15)
            text += QStringLiteral("- %1\n- %2\n- %3\n\n")
                        .arg(words(rng, 5), words(rng, 6), words(rng, 4));
        else if (kind < 25)
            text += QStringLiteral("```cpp\nint main()\n{\n    auto x = compute(%1);\n"
                                   "    return x > 0 ? 0 : 1;\n}\n```\n\n")
                        .arg(left);
        else if (kind < 28)
            text += QStringLiteral("| metric | value |\n|---|---|\n| TTFT | %1 ms |\n"
                                   "| E2E | 1.2 s |\n\n")
                        .arg(left);
    }
    return text;
}

const QList<ChatEntry>& conversation(int count)
{
    static std::map<int, QList<ChatEntry>> cache;
    QList<ChatEntry>& entries = cache[count];
    if (!entries.isEmpty())
        return entries;
    std::mt19937 rng(42);
    RequestMetrics metrics;
    metrics.ttftMs = 312;
    metrics.tokensPerSecond = 41.2;
    metrics.e2eMs = 1200;
    for (int i = 0; i < count; ++i) {
        ChatEntry entry;
        entry.createdUtc = QDateTime::currentDateTimeUtc();
        if (i % 2 == 0) {
            entry.role = ChatEntry::Role::User;
            entry.text =
                words(rng, std::uniform_int_distribution<int>(5, 30)(rng)) + QLatin1Char('?');
        } else {
            entry.role = ChatEntry::Role::Assistant;
            entry.model = QStringLiteral("demo-chat");
            entry.text = answerText(rng);
            entry.metrics = metrics;
        }
        entries.append(entry);
    }
    return entries;
}

QImage frame()
{
    return QImage(900, 700, QImage::Format_ARGB32_Premultiplied);
}

// Opening a conversation in the shown view: setEntries (estimates, layout of what is in view)
// and the first paint.
void openConversation(benchmark::State& state, int count)
{
    const QList<ChatEntry>& entries = conversation(count);
    QImage image = frame();
    ChatView view;
    view.resize(image.size());
    view.show();
    QApplication::processEvents();
    for (auto _ : state) {
        view.setEntries(entries);
        view.render(&image);
        benchmark::DoNotOptimize(image.bits());
    }
}

void BM_OpenConversation2000(benchmark::State& state)
{
    openConversation(state, 2000);
}
BENCHMARK(BM_OpenConversation2000)->Unit(benchmark::kMillisecond);

void BM_OpenConversation10000(benchmark::State& state)
{
    openConversation(state, 10000);
}
BENCHMARK(BM_OpenConversation10000)->Unit(benchmark::kMillisecond);

// One page up and a paint, per step; from the top it starts again at the end.
void BM_ScrollConversation2000(benchmark::State& state)
{
    QImage image = frame();
    ChatView view;
    view.resize(image.size());
    view.show();
    view.setEntries(conversation(2000));
    view.render(&image);
    QScrollBar* bar = view.verticalScrollBar();
    for (auto _ : state) {
        bar->setValue(bar->value() > 0 ? bar->value() - bar->pageStep() : bar->maximum());
        view.render(&image);
        benchmark::DoNotOptimize(image.bits());
    }
}
BENCHMARK(BM_ScrollConversation2000)->Unit(benchmark::kMicrosecond);

// 1,000 small deltas into an answer that already holds N tokens, each followed by the event
// processing that paints it, as while streaming.
void BM_ChatViewAppend(benchmark::State& state)
{
    std::mt19937 rng(7);
    QList<ChatEntry> entries = conversation(20);
    ChatEntry streaming;
    streaming.role = ChatEntry::Role::Assistant;
    streaming.state = ChatEntry::State::Streaming;
    streaming.model = QStringLiteral("demo-chat");
    for (int64_t n = 0; n < state.range(0); n += 60)
        streaming.text += words(rng, 60) + QStringLiteral("\n\n");
    entries.append(streaming);
    const int index = int(entries.size()) - 1;
    QStringList deltas;
    for (int i = 0; i < 1000; ++i)
        deltas << (i % 60 == 59 ? QStringLiteral(".\n\n") : QLatin1Char(' ') + words(rng, 1));

    ChatView view;
    view.resize(900, 700);
    view.show();
    view.setEntries(entries);
    QApplication::processEvents();
    for (auto _ : state) {
        state.PauseTiming();
        view.updateEntry(index, streaming); // back to N tokens
        QApplication::processEvents();
        state.ResumeTiming();
        for (const QString& delta : deltas) {
            view.appendToEntry(index, delta, QString());
            QApplication::processEvents();
        }
    }
    state.SetItemsProcessed(state.iterations() * deltas.size());
}
BENCHMARK(BM_ChatViewAppend)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);

} // namespace
