#pragma once

#include <QLabel>

namespace adminchat {

// A label that says something went wrong (Error) or needs care (Warning) in a colour that reads
// on the current palette, light or dark, and follows a theme switch (a fixed style sheet colour
// would stay dark red on a dark window).
class ToneLabel : public QLabel
{
    Q_OBJECT
public:
    enum class Tone
    {
        Normal, // the palette's text colour
        Warning,
        Error,
    };

    explicit ToneLabel(QWidget* parent = nullptr, Tone tone = Tone::Normal);

    void setTone(Tone tone);
    Tone tone() const { return m_tone; }

    // The text colour of a tone on a palette: 4.5:1 contrast or more against its Window colour
    // for the palettes ShellTheme sets.
    static QColor color(Tone tone, const QPalette& palette);

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyTone();

    Tone m_tone = Tone::Normal;
};

} // namespace adminchat
