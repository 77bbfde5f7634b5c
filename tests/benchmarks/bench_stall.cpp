// Event-loop stalls while an answer streams into the chat view: a feeder thread delivers tokens
// at a fixed rate as queued calls, one per token as the network thread's signals arrive, while a
// 1 ms precise timer on the GUI thread notes every gap between its firings. A gap well over 1 ms
// is time the GUI thread could not react (to input, to paint). Key presses are posted to a
// composer every 50 ms from the feeder thread and their delivery latency is measured too.
#include "ChatView.h"
#include "chat/StreamPacer.h"

#include <QApplication>
#include <QEventLoop>
#include <QKeyEvent>
#include <QPlainTextEdit>
#include <QTimer>
#include <algorithm>
#include <atomic>
#include <benchmark/benchmark.h>
#include <chrono>
#include <deque>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

using namespace adminchat;

namespace {

using Clock = std::chrono::steady_clock;

double msBetween(Clock::time_point from, Clock::time_point to)
{
    return std::chrono::duration<double, std::milli>(to - from).count();
}

const QStringList kWords =
    QStringLiteral("the a model token latency request server answer stream value "
                   "time first second cache layout memory queue batch prompt "
                   "output input context window endpoint through rate quick "
                   "because which would could should every result number")
        .split(QLatin1Char(' '));

// Exact quantile of sorted samples (nearest rank above), enough for a benchmark counter.
double quantile(std::vector<double> samples, double q)
{
    if (samples.empty())
        return 0;
    std::sort(samples.begin(), samples.end());
    const auto rank = std::min(samples.size() - 1, size_t(q * double(samples.size())));
    return samples[rank];
}

// Notes the key presses the composer receives, matched with the times they were posted.
class KeyLatencyFilter : public QObject
{
public:
    void posted(Clock::time_point at)
    {
        std::lock_guard lock(m_mutex);
        m_pending.push_back(at);
    }
    std::vector<double> latenciesMs;
    bool streaming = true; // presses handled after the answer ended are not counted

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::KeyPress) {
            const Clock::time_point now = Clock::now();
            std::lock_guard lock(m_mutex);
            if (!m_pending.empty()) {
                if (streaming)
                    latenciesMs.push_back(msBetween(m_pending.front(), now));
                m_pending.pop_front();
            }
        }
        return QObject::eventFilter(watched, event);
    }

private:
    std::mutex m_mutex;
    std::deque<Clock::time_point> m_pending;
};

// range(0): tokens per second, range(1): tokens in the answer at the end, range(2): 1 when the
// deltas go through the app's pacing stage (StreamPacer, as ConversationController does), 0 when
// each goes straight to the view.
void BM_StreamingStall(benchmark::State& state)
{
    const double tokensPerSecond = double(state.range(0));
    const int totalTokens = int(state.range(1));
    const bool paced = state.range(2) != 0;

    std::mt19937 rng(11);
    std::uniform_int_distribution<int> pick(0, int(kWords.size()) - 1);
    QStringList tokens;
    tokens.reserve(totalTokens);
    for (int i = 0; i < totalTokens; ++i)
        tokens << (i % 60 == 59 ? QStringLiteral(".\n\n")
                                : QLatin1Char(' ') + kWords.at(pick(rng)));

    for (auto _ : state) {
        QList<ChatEntry> entries;
        for (int i = 0; i < 20; ++i) {
            ChatEntry entry;
            entry.role = i % 2 == 0 ? ChatEntry::Role::User : ChatEntry::Role::Assistant;
            entry.text = QStringLiteral("An earlier message with a few words in it.");
            entries.append(entry);
        }
        ChatEntry answer;
        answer.role = ChatEntry::Role::Assistant;
        answer.state = ChatEntry::State::Streaming;
        answer.model = QStringLiteral("demo-chat");
        entries.append(answer);
        const int index = int(entries.size()) - 1;

        QWidget window;
        window.resize(900, 800);
        ChatView view(&window);
        view.setGeometry(0, 0, 900, 700);
        QPlainTextEdit composer(&window);
        composer.setGeometry(0, 700, 900, 100);
        KeyLatencyFilter keyFilter;
        composer.installEventFilter(&keyFilter);
        window.show();
        view.setEntries(entries);
        QApplication::processEvents();
        StreamPacer pacer;
        QObject::connect(&pacer, &StreamPacer::released, &view,
                         [&](const QString& content, const QString& reasoning) {
                             view.appendToEntry(index, content, reasoning);
                         });

        std::vector<double> gapsMs;
        gapsMs.reserve(size_t(totalTokens / tokensPerSecond * 1000) + 1000);
        Clock::time_point lastTick = Clock::now();
        QTimer recorder;
        recorder.setTimerType(Qt::PreciseTimer);
        recorder.setInterval(1);
        QObject::connect(&recorder, &QTimer::timeout, [&] {
            const Clock::time_point now = Clock::now();
            gapsMs.push_back(msBetween(lastTick, now));
            lastTick = now;
        });

        QEventLoop loop;
        double finishMs = 0;
        std::atomic<bool> stop = false;
        recorder.start();
        lastTick = Clock::now();
        const Clock::time_point start = lastTick;

        // The feeder: every 2 ms, the tokens due by then (10 at 5,000 tokens/s), each as its own
        // queued call, scheduled on absolute times so that the rate does not drift.
        std::thread feeder([&] {
            int sent = 0;
            Clock::time_point nextKey = start;
            for (Clock::time_point tick = start; sent < totalTokens && !stop;) {
                tick += std::chrono::milliseconds(2);
                std::this_thread::sleep_until(tick);
                const int due = std::min(
                    totalTokens, int(msBetween(start, Clock::now()) * tokensPerSecond / 1000));
                for (; sent < due; ++sent) {
                    const bool last = sent == totalTokens - 1;
                    QMetaObject::invokeMethod(
                        &view,
                        [&, token = tokens.at(sent), last] {
                            if (paced)
                                pacer.push(token, QString());
                            else
                                view.appendToEntry(index, token, QString());
                            if (!last)
                                return;
                            pacer.flush(); // the stream ended: what is held back shows at once
                            // The end of the answer: rendered as Markdown once, a stall of its
                            // own, reported apart from the streaming ones.
                            recorder.stop();
                            keyFilter.streaming = false;
                            const Clock::time_point begin = Clock::now();
                            ChatEntry done = answer;
                            done.state = ChatEntry::State::Done;
                            done.text = tokens.join(QString());
                            view.updateEntry(index, done);
                            view.repaint();
                            finishMs = msBetween(begin, Clock::now());
                            loop.quit();
                        },
                        Qt::QueuedConnection);
                }
                if (Clock::now() >= nextKey) {
                    nextKey += std::chrono::milliseconds(50);
                    keyFilter.posted(Clock::now());
                    QCoreApplication::postEvent(&composer,
                                                new QKeyEvent(QEvent::KeyPress, Qt::Key_A,
                                                              Qt::NoModifier, QStringLiteral("a")));
                }
            }
        });
        loop.exec();
        stop = true;
        feeder.join();
        QApplication::processEvents(); // key presses still queued

        const double seconds = msBetween(start, Clock::now()) / 1000;
        std::vector<double> stallsMs;
        stallsMs.reserve(gapsMs.size());
        for (const double gap : gapsMs)
            stallsMs.push_back(std::max(0.0, gap - 1.0)); // the timer's own 1 ms is no stall
        state.counters["stall_max_ms"] = *std::max_element(stallsMs.begin(), stallsMs.end());
        state.counters["stall_p99_ms"] = quantile(stallsMs, 0.99);
        state.counters["stalls_over_16ms"] = double(
            std::count_if(stallsMs.begin(), stallsMs.end(), [](double s) { return s > 16; }));
        state.counters["key_p99_ms"] = quantile(keyFilter.latenciesMs, 0.99);
        state.counters["key_max_ms"] = quantile(keyFilter.latenciesMs, 1.0);
        state.counters["finish_render_ms"] = finishMs;
        state.counters["tokens_per_s"] = totalTokens / seconds;
        state.SetIterationTime(seconds);
    }
}
// The target rate, and twice it to show the headroom left.
BENCHMARK(BM_StreamingStall)
    ->Args({5000, 100000, 1})
    ->Args({5000, 100000, 0})
    ->Args({10000, 50000, 1})
    ->Args({10000, 50000, 0})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);

} // namespace
