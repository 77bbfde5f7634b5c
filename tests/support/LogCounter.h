// Counting what the answers' logging category (adminchat.openai) says while a test runs.
#pragma once

#include <QLoggingCategory>
#include <QString>

// Counts the messages of the adminchat.openai category that contain a text, while it lives.
class LogCounter
{
public:
    explicit LogCounter(QString text)
    {
        s_text = std::move(text);
        s_count = 0;
        QLoggingCategory::setFilterRules(QStringLiteral("adminchat.openai.info=true"));
        m_previous = qInstallMessageHandler(&LogCounter::handle);
    }
    ~LogCounter()
    {
        qInstallMessageHandler(m_previous);
        QLoggingCategory::setFilterRules(QString());
    }
    int count() const { return s_count; }

private:
    static void handle(QtMsgType, const QMessageLogContext& context, const QString& message)
    {
        if (QByteArrayView(context.category) == "adminchat.openai" && message.contains(s_text))
            ++s_count;
    }
    static inline QString s_text;
    static inline int s_count = 0;
    QtMessageHandler m_previous;
};
