#include "ProcessRunner.h"

#include <csignal>
#include <sys/prctl.h>

ProcessRunner::ProcessRunner()
{
    m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
}

ProcessRunner::~ProcessRunner()
{
    stop();
}

void ProcessRunner::setEnvironment(const QProcessEnvironment& environment)
{
    m_process.setProcessEnvironment(environment);
}

void ProcessRunner::setWorkingDirectory(const QString& directory)
{
    m_process.setWorkingDirectory(directory);
}

bool ProcessRunner::start(const QString& program, const QStringList& arguments, int timeoutMs)
{
    m_process.start(program, arguments);
    return m_process.waitForStarted(timeoutMs);
}

ProcessResult ProcessRunner::finish(const QByteArray& input, int timeoutMs)
{
    if (!input.isEmpty())
        m_process.write(input);
    m_process.closeWriteChannel();
    ProcessResult result;
    if (!m_process.waitForFinished(timeoutMs)) {
        stop(0);
        return result;
    }
    result.exitCode = m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -2;
    result.out = m_process.readAllStandardOutput();
    result.err = m_process.readAllStandardError();
    return result;
}

ProcessResult ProcessRunner::run(const QString& program, const QStringList& arguments,
                                 const QByteArray& input, int timeoutMs)
{
    // A program that cannot start (missing, not executable) ends at once: finish() reports it.
    m_process.start(program, arguments);
    return finish(input, timeoutMs);
}

void ProcessRunner::stop(int graceMs)
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    if (graceMs > 0) {
        m_process.terminate();
        if (m_process.waitForFinished(graceMs))
            return;
    }
    m_process.kill();
    m_process.waitForFinished(30000);
}
