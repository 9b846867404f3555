/* server/signals.c -- graceful shutdown on SIGTERM/SIGINT, SIGPIPE ignored,
 * and a crash handler that writes a stack trace to the log before dying. */
#include "server/server.h"

#include <execinfo.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

/* Only sets a flag: the cron performs the shutdown on the main loop.  A
 * second SIGINT while a shutdown is pending exits at once, as in Redis. */
static void sigShutdownHandler(int sig) {
    if (server.shutdownAsap && sig == SIGINT) {
        serverLogFromSignalHandler(LL_WARNING, "You insist... exiting now.");
        _exit(1);
    }
    serverLogFromSignalHandler(LL_WARNING, sig == SIGINT
                                               ? "Received SIGINT scheduling shutdown..."
                                               : "Received SIGTERM scheduling shutdown...");
    server.shutdownAsap = 1;
}

void installSignalHandlers(void) {
    struct sigaction act;
    memset(&act, 0, sizeof(act));
    sigemptyset(&act.sa_mask);
    act.sa_handler = sigShutdownHandler;
    sigaction(SIGTERM, &act, NULL);
    sigaction(SIGINT, &act, NULL);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
}

/* Logs the signal and a backtrace (backtrace_symbols_fd writes without
 * allocating), then re-raises the signal with its default action so the
 * process still dies with it (and dumps core where enabled). */
static void sigCrashHandler(int sig, siginfo_t *info, void *secret) {
    (void)info; (void)secret;
    int fd = logSettings.signalFd >= 0 ? logSettings.signalFd : STDOUT_FILENO;
    serverLogFromSignalHandler(LL_WARNING, "======= redis-kv crashed by signal =======");
    serverLogFromSignalHandler(LL_WARNING, strsignal(sig));
    serverLogFromSignalHandler(LL_WARNING, "------ STACK TRACE ------");
    void *frames[64];
    int n = backtrace(frames, 64);
    backtrace_symbols_fd(frames, n, fd);
    serverLogFromSignalHandler(LL_WARNING, "------ END OF STACK TRACE ------");
    struct sigaction act;
    memset(&act, 0, sizeof(act));
    act.sa_handler = SIG_DFL;
    sigaction(sig, &act, NULL);
    raise(sig);
}

void setupCrashHandler(void) {
    struct sigaction act;
    memset(&act, 0, sizeof(act));
    sigemptyset(&act.sa_mask);
    act.sa_flags = SA_NODEFER | SA_RESETHAND | SA_SIGINFO;
    act.sa_sigaction = sigCrashHandler;
    sigaction(SIGSEGV, &act, NULL);
    sigaction(SIGBUS, &act, NULL);
    sigaction(SIGFPE, &act, NULL);
    sigaction(SIGILL, &act, NULL);
    sigaction(SIGABRT, &act, NULL);
}
