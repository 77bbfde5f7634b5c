#include "demo/DemoTextGenerator.h"

#include <QRegularExpression>

namespace adminchat {

namespace {

const QStringList& nouns()
{
    static const QStringList list{
        "server", "model",     "request",  "token",     "stream",   "client",  "network",
        "cache",  "queue",     "thread",   "buffer",    "endpoint", "message", "timer",
        "socket", "dashboard", "session",  "window",    "record",   "signal",  "pattern",
        "result", "process",   "budget",   "metric",    "report",   "prompt",  "answer",
        "layer",  "schedule",  "protocol", "benchmark", "profile",  "user",    "team"};
    return list;
}

const QStringList& adjectives()
{
    static const QStringList list{"fast",      "stable",   "small",   "careful", "local",
                                  "remote",    "simple",   "robust",  "quiet",   "modern",
                                  "efficient", "reliable", "precise", "gentle",  "clear",
                                  "steady",    "large",    "minimal", "secure",  "typical",
                                  "handy",     "early",    "final",   "busy",    "shared"};
    return list;
}

// Present tense, third person, and the matching base forms for lists and code.
const QStringList& verbs()
{
    static const QStringList list{"handles",  "sends",     "measures", "reads",    "improves",
                                  "keeps",    "schedules", "tracks",   "shapes",   "reduces",
                                  "explains", "builds",    "checks",   "follows",  "stores",
                                  "needs",    "shows",     "balances", "predicts", "protects",
                                  "limits",   "replaces",  "streams",  "caches"};
    return list;
}

const QStringList& baseVerbs()
{
    static const QStringList list{"handle", "send",    "measure", "read",  "improve", "keep",
                                  "track",  "reduce",  "build",   "check", "store",   "show",
                                  "limit",  "replace", "compare", "retry", "log",     "update"};
    return list;
}

const QStringList& adverbs()
{
    static const QStringList list{"usually",   "often",   "rarely", "quietly",
                                  "carefully", "quickly", "always", "simply"};
    return list;
}

const QStringList& prepositions()
{
    static const QStringList list{"with",    "for",  "across", "under",  "without", "behind",
                                  "through", "near", "after",  "before", "inside",  "around"};
    return list;
}

const QStringList& determiners()
{
    static const QStringList list{"the", "the", "the", "a", "every", "each", "this", "our", "your"};
    return list;
}

const QStringList& conjunctions()
{
    static const QStringList list{"and", "but", "so", "while", "because"};
    return list;
}

const QStringList& openers()
{
    static const QStringList list{"In practice,",      "For example,", "Meanwhile,",
                                  "As a rule,",        "Overall,",     "In short,",
                                  "Most of the time,", "Put simply,",  "In many cases,"};
    return list;
}

const QStringList& reasoningOpeners()
{
    static const QStringList list{"Okay,",       "Hmm,", "Wait,",  "So",       "First,",
                                  "Let me see,", "Then", "Right,", "Actually,"};
    return list;
}

QString capitalized(QString word)
{
    if (!word.isEmpty())
        word[0] = word[0].toUpper();
    return word;
}

bool startsWithVowel(const QString& word)
{
    const QString bare = word.startsWith(QLatin1String("**")) ? word.mid(2) : word;
    return !bare.isEmpty() && QStringLiteral("aeiou").contains(bare[0]);
}

// Splits one line of code into tokens: identifiers and runs of punctuation, each carrying the
// whitespace before it; the newline rides on the last token so no token is blank.
QStringList codeTokens(const QString& line)
{
    static const QRegularExpression pattern(
        QStringLiteral("\\s*(?:_?[A-Za-z0-9]+|[^A-Za-z0-9\\s_]+|_)"));
    QStringList tokens;
    auto matches = pattern.globalMatch(line);
    while (matches.hasNext())
        tokens << matches.next().captured(0);
    if (!tokens.isEmpty())
        tokens.last() += QLatin1Char('\n');
    return tokens;
}

void addBytes(quint64& hash, const QByteArray& bytes)
{
    for (const char c : bytes) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001B3ULL; // FNV-1a prime
    }
}

} // namespace

DemoTextGenerator::DemoTextGenerator(quint64 seed) : m_random(seed) {}

quint64 DemoTextGenerator::promptHash(quint64 seed, const QString& model,
                                      const QList<ChatMessage>& messages)
{
    quint64 hash = 0xCBF29CE484222325ULL; // FNV-1a offset basis
    QByteArray seedBytes;
    for (int i = 0; i < 8; ++i)
        seedBytes.append(char((seed >> (8 * i)) & 0xff)); // little-endian on every platform
    addBytes(hash, seedBytes);
    addBytes(hash, model.toUtf8());
    for (const ChatMessage& message : messages) {
        addBytes(hash, QByteArray(1, '\x1e')); // separators keep ("ab","c") != ("a","bc")
        addBytes(hash, message.role.toUtf8());
        addBytes(hash, QByteArray(1, '\x1f'));
        addBytes(hash, message.content.toUtf8());
    }
    return hash;
}

QStringList DemoTextGenerator::answer(quint64 hash)
{
    DemoTextGenerator generator(DemoRandom::mix(hash, 1));
    DemoRandom& random = generator.m_random;
    const int length = random.between(minAnswerTokens, maxAnswerTokens);
    bool listPending = random.chance(0.35);
    bool codePending = random.chance(0.25);
    bool tablePending = random.chance(0.2);
    const bool heading = random.chance(0.4);

    while (generator.m_tokens.size() < length) {
        const int remaining = length - int(generator.m_tokens.size());
        // Each block is built on its own, then kept only if it fits; the rest of the budget is
        // filled with sentences so the answer has exactly `length` tokens.
        DemoTextGenerator block(random.next());
        block.m_atLineStart = generator.m_atLineStart;
        if (generator.m_tokens.isEmpty()) {
            if (heading)
                block.appendHeading();
            block.appendParagraph();
        } else if (tablePending && random.chance(0.4)) {
            tablePending = false;
            block.appendTable();
        } else if (listPending && random.chance(0.5)) {
            listPending = false;
            block.appendList();
        } else if (codePending && random.chance(0.5)) {
            codePending = false;
            block.appendCodeBlock();
        } else {
            block.appendParagraph();
        }
        if (block.m_tokens.size() <= remaining) {
            generator.m_tokens += block.m_tokens;
            generator.m_atLineStart = block.m_atLineStart;
        } else {
            generator.appendSentences(remaining, false);
        }
    }
    generator.finish();
    return generator.m_tokens;
}

QStringList DemoTextGenerator::reasoning(quint64 hash)
{
    DemoTextGenerator generator(DemoRandom::mix(hash, 2));
    const int length = generator.m_random.between(minReasoningTokens, maxReasoningTokens);
    // Longer thinking sometimes ends with the steps it settled on, as a numbered list.
    DemoTextGenerator steps(generator.m_random.next());
    if (generator.m_random.chance(0.5)) {
        steps.appendSteps();
        if (steps.m_tokens.size() + 8 > length)
            steps.m_tokens.clear();
    }
    generator.appendSentences(length - int(steps.m_tokens.size()), true);
    if (!steps.m_tokens.isEmpty()) {
        generator.m_tokens.last() += QStringLiteral("\n\n"); // rides on the last word
        generator.m_tokens += steps.m_tokens;
    }
    generator.finish();
    return generator.m_tokens;
}

bool DemoTextGenerator::isReasoningModel(const QString& model)
{
    return model.contains(QLatin1String("reason"), Qt::CaseInsensitive) ||
           model.contains(QLatin1String("think"), Qt::CaseInsensitive);
}

void DemoTextGenerator::appendHeading()
{
    static const QStringList kinds{"Overview", "Short answer", "How it works", "In practice"};
    m_tokens << QStringLiteral("##");
    m_atLineStart = false;
    appendWords(pick(kinds).split(QLatin1Char(' ')), {});
    m_tokens.last() += QStringLiteral("\n\n"); // no token is only whitespace
    m_atLineStart = true;
}

void DemoTextGenerator::appendSteps()
{
    const int items = m_random.between(2, 3);
    for (int i = 0; i < items; ++i) {
        m_tokens << QStringLiteral("%1.").arg(i + 1);
        m_atLineStart = false;
        QStringList words{capitalized(pick(baseVerbs()))};
        words += nounPhrase();
        appendWords(words, {});
        m_tokens.last() += QStringLiteral("\n");
        m_atLineStart = true;
    }
}

void DemoTextGenerator::appendTable()
{
    static const QList<QStringList> intros{{"Compared", "side", "by", "side"},
                                           {"The", "numbers", "look", "like", "this"}};
    appendWords(intros[int(m_random.below(quint64(intros.size())))], QStringLiteral(":\n\n"));
    // A header, the delimiter row and two to four rows; each cell is one token.
    m_tokens << QStringLiteral("| Option") << QStringLiteral(" | Latency")
             << QStringLiteral(" | Notes |\n") << QStringLiteral("|---|---:|---|\n");
    const int rows = m_random.between(2, 4);
    for (int i = 0; i < rows; ++i) {
        m_tokens << QStringLiteral("| %1").arg(capitalized(pick(adjectives())) + QLatin1Char(' ') +
                                               pick(nouns()))
                 << QStringLiteral(" | %1 ms").arg(m_random.between(20, 900))
                 << QStringLiteral(" | %1 |\n")
                        .arg(pick(verbs()) + QLatin1Char(' ') + pick(nouns()) + QLatin1Char('s'));
    }
    m_tokens.last() += QLatin1Char('\n');
    m_atLineStart = true;
}

void DemoTextGenerator::appendParagraph()
{
    const int sentences = m_random.between(2, 4);
    for (int i = 0; i < sentences; ++i) {
        const bool last = i == sentences - 1;
        appendSentence(0, last ? QStringLiteral(".\n\n") : QStringLiteral("."), false);
    }
}

void DemoTextGenerator::appendList()
{
    static const QList<QStringList> intros{{"Here", "are", "the", "key", "points"},
                                           {"A", "few", "things", "to", "check"},
                                           {"In", "summary"},
                                           {"The", "usual", "steps", "are"}};
    appendWords(intros[int(m_random.below(quint64(intros.size())))], QStringLiteral(":\n\n"));

    const bool numbered = m_random.chance(0.3);
    const int items = m_random.between(2, 4);
    for (int i = 0; i < items; ++i) {
        m_tokens << (numbered ? QStringLiteral("%1.").arg(i + 1) : QStringLiteral("-"));
        m_atLineStart = false;
        QStringList words{capitalized(pick(baseVerbs()))};
        words += nounPhrase();
        if (m_random.chance(0.4))
            words += QStringList{pick(prepositions())} + nounPhrase();
        appendWords(words, {});
        // The line break rides on the last word so that no token is only whitespace.
        m_tokens.last() += i == items - 1 ? QStringLiteral("\n\n") : QStringLiteral("\n");
        m_atLineStart = true;
    }
}

void DemoTextGenerator::appendCodeBlock()
{
    static const QList<QStringList> intros{
        {"For", "example"}, {"A", "minimal", "sketch"}, {"Something", "like", "this"}};
    appendWords(intros[int(m_random.below(quint64(intros.size())))], QStringLiteral(":\n\n"));

    const QString noun = pick(nouns());
    const QString other = pick(nouns());
    const QString verb = pick(baseVerbs());
    QStringList lines;
    QString language = QStringLiteral("python");
    // Python half the time, else C++, Bash or JSON: code of several kinds to highlight.
    const quint64 kind = m_random.chance(0.5) ? m_random.below(3) : 3 + m_random.below(3);
    switch (kind) {
    case 0:
        lines = {QStringLiteral("def %1_%2(%3):").arg(verb, noun, other),
                 QStringLiteral("    result = %1.%2()").arg(other, pick(baseVerbs())),
                 QStringLiteral("    if not result:"), QStringLiteral("        return None"),
                 QStringLiteral("    return result")};
        break;
    case 1:
        lines = {
            QStringLiteral("for %1 in %2s:").arg(noun, other),
            QStringLiteral("    %1.%2(timeout=%3)").arg(noun, verb).arg(m_random.between(1, 30))};
        break;
    case 2:
        lines = {QStringLiteral("%1_%2 = %3").arg(noun, other).arg(m_random.between(2, 500)),
                 QStringLiteral("print(\"%1 %2:\", %2_%3)").arg(pick(adjectives()), noun, other)};
        break;
    case 3:
        language = QStringLiteral("cpp");
        lines = {QStringLiteral("auto %1 = %2.%3();").arg(noun, other, verb),
                 QStringLiteral("if (!%1)").arg(noun), QStringLiteral("    return std::nullopt;")};
        break;
    case 4:
        language = QStringLiteral("bash");
        lines = {QStringLiteral("curl -s http://localhost:8080/v1/%1s | jq .").arg(noun),
                 QStringLiteral("echo \"%1 done\"").arg(verb)};
        break;
    default:
        language = QStringLiteral("json");
        lines = {QStringLiteral("{\"%1\": \"%2\", \"limit\": %3}")
                     .arg(noun, other)
                     .arg(m_random.between(1, 64))};
        break;
    }
    m_tokens << QStringLiteral("```") << language + QLatin1Char('\n');
    for (const QString& line : std::as_const(lines))
        m_tokens += codeTokens(line);
    m_tokens << QStringLiteral("```\n\n");
    m_atLineStart = true;
}

void DemoTextGenerator::appendSentences(int budget, bool reasoningStyle)
{
    while (budget > 0) {
        // A sentence takes all that is left when the rest would be too short for another one.
        const int wanted = m_random.between(7, 16);
        const int take = budget - wanted < 4 ? budget : wanted;
        budget -= appendSentence(take, QStringLiteral("."), reasoningStyle);
    }
}

int DemoTextGenerator::appendSentence(int exactTokens, const QString& terminator,
                                      bool reasoningStyle)
{
    if (exactTokens == 1) {
        m_tokens << (m_atLineStart ? QString() : QStringLiteral(" ")) + QStringLiteral("Indeed.");
        m_atLineStart = false;
        return 1;
    }
    if (exactTokens == 0) { // natural length
        const QStringList words = sentenceWords(reasoningStyle);
        appendWords(words, terminator);
        return int(words.size()) + 1;
    }
    appendWords(sentenceOfLength(exactTokens - 1, reasoningStyle), terminator);
    return exactTokens;
}

QStringList DemoTextGenerator::sentenceOfLength(int words, bool reasoningStyle)
{
    // Too short for the grammar: a stock phrase of exactly that many words.
    static const QList<QStringList> shortSentences{
        {"Exactly"},
        {"That helps", "It depends", "Good question"},
        {"Hope this helps", "That is all", "Keep it simple"},
        {"That is usually enough", "Measure before optimising", "Start with the basics"}};
    if (words <= shortSentences.size())
        return pick(shortSentences[words - 1]).split(QLatin1Char(' '));

    // Grammatical sentences come in many lengths: draw until one fits, so the text is not cut
    // mid-phrase. The draws are seeded, so the choice is as reproducible as the rest.
    QStringList best;
    for (int attempt = 0; attempt < 200; ++attempt) {
        QStringList candidate = sentenceWords(reasoningStyle);
        if (candidate.size() == words)
            return candidate;
        if (candidate.size() > words && (best.isEmpty() || candidate.size() < best.size()))
            best = candidate;
    }
    // Very long targets: join clauses until long enough, then cut (rare).
    while (best.size() < words) {
        best.last() += QLatin1Char(',');
        best << pick(conjunctions());
        best += clause(reasoningStyle);
    }
    best = best.mid(0, words);
    if (best.last().endsWith(QLatin1Char(',')))
        best.last().chop(1);
    return best;
}

void DemoTextGenerator::appendWords(const QStringList& words, const QString& terminator)
{
    for (const QString& word : words) {
        m_tokens << (m_atLineStart ? QString() : QStringLiteral(" ")) + word;
        m_atLineStart = false;
    }
    if (!terminator.isEmpty()) {
        m_tokens << terminator;
        m_atLineStart = terminator.endsWith(QLatin1Char('\n'));
    }
}

void DemoTextGenerator::finish()
{
    // The last token carries no trailing blank line, as a model's last token would not.
    while (!m_tokens.isEmpty()) {
        QString& last = m_tokens.last();
        while (!last.isEmpty() && last.back().isSpace())
            last.chop(1);
        if (!last.isEmpty())
            break;
        m_tokens.removeLast();
    }
}

QStringList DemoTextGenerator::sentenceWords(bool reasoningStyle)
{
    QStringList words;
    const double openerChance = reasoningStyle ? 0.45 : 0.2;
    if (m_random.chance(openerChance))
        words += pick(reasoningStyle ? reasoningOpeners() : openers()).split(QLatin1Char(' '));
    words += clause(reasoningStyle);
    while (words.size() < 14 && m_random.chance(0.25)) {
        words.last() += QLatin1Char(',');
        words << pick(conjunctions());
        words += clause(reasoningStyle);
    }
    words.first() = capitalized(words.first());
    return words;
}

QStringList DemoTextGenerator::clause(bool reasoningStyle)
{
    QStringList words;
    if (reasoningStyle && m_random.chance(0.5)) {
        // Thinking out loud: "the user wants to compare the cache", "I should check ...".
        static const QList<QStringList> starts{{"the", "user", "wants", "to"},
                                               {"I", "should"},
                                               {"maybe", "I", "can"},
                                               {"I", "need", "to"},
                                               {"it", "helps", "to"}};
        words = starts[int(m_random.below(quint64(starts.size())))];
        words << pick(baseVerbs());
        words += nounPhrase();
        return words;
    }
    words = nounPhrase();
    if (m_random.chance(0.25))
        words << pick(adverbs());
    words << pick(verbs());
    words += nounPhrase();
    if (m_random.chance(0.5))
        words += QStringList{pick(prepositions())} + nounPhrase();
    return words;
}

QStringList DemoTextGenerator::nounPhrase()
{
    QStringList words;
    if (m_random.chance(0.5))
        words << pick(adjectives());
    QString noun = pick(nouns());
    if (m_random.chance(0.04))
        noun = QStringLiteral("**%1**").arg(noun); // a little Markdown emphasis
    words << noun;
    QString determiner = pick(determiners());
    if (determiner == QLatin1String("a") && startsWithVowel(words.first()))
        determiner = QStringLiteral("an");
    words.prepend(determiner);
    return words;
}

QString DemoTextGenerator::pick(const QStringList& words)
{
    return words[int(m_random.below(quint64(words.size())))];
}

} // namespace adminchat
