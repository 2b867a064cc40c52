/*
 * berth: the command users run. A small launcher in front of the berth CLI (Node.js).
 *
 * Starting Node.js and loading the CLI costs 60-100 ms per command, more than the work most
 * commands do. So the CLI can also run as a long-lived *CLI host* (dist/src/cli/host.js) that
 * serves many commands: this launcher hands it the command over a unix socket — the working
 * directory, the arguments, the environment and its own stdin/stdout/stderr as file descriptors
 * (SCM_RIGHTS) — forwards the signals it receives, and exits with the status the host reports.
 * The command runs on the caller's own terminal or pipes, so it behaves exactly as if Node.js
 * had been started for it (a TTY is a TTY, `isatty`, raw mode and window size all work).
 *
 * When no host answers, the launcher starts one in the background for the next command and
 * runs this one the plain way: exec `node dist/src/cli/main.js ARGS`. It does the same when
 * BERTH_CLI_HOST=0, when stdin/stdout/stderr are not all open, when an argument names one of
 * the caller's own descriptors (`<(cmd)` gives /dev/fd/63; /dev/stdin, /proc/self/...: in the
 * host those would be the host's), or when the host declines (it was built from older files,
 * or the caller's TZ differs from the host's).
 *
 * Socket directory: $BERTH_CLI_DIR, else /run/berth-cli for root, else
 * $XDG_RUNTIME_DIR/berth-cli, else /tmp/berth-cli-UID. It must be a directory owned by the
 * caller with no group or other permissions; otherwise the host is not used.
 *
 * Protocol (unix stream socket `host.sock` in that directory):
 *   launcher -> host  one message with fds 0, 1, 2 attached: u32 big-endian length, then
 *                     "berth-cli/1\0" CWD "\0" ARGC "\0" ARG "\0"... ENVC "\0" VAR=VALUE "\0"...
 *                     then "S <signo>\n" for each forwarded signal.
 *   host -> launcher  "X <status>\n": the command ended (its fds are already closed in the host);
 *                     "K <signo>\n": the command was ended by a signal it did not handle: die of it;
 *                     "C <retired>\n": the host declines; run the command the plain way, and
 *                     when <retired> is 1 (the host was built from older files and is going
 *                     away) start a new host for the next command.
 * At exit the launcher restores the terminal modes and the file status flags of fds 0-2, since
 * the host shares their open file descriptions.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

extern char **environ;

static char root_dir[PATH_MAX - 64];  /* the compiled tree: <root>/dist/native/berth is this program */
static volatile sig_atomic_t host_fd = -1; /* read by the signal handler */
static int saved_flags[3];
static struct termios saved_termios;
static int termios_fd = -1;

static void restore_stdio(void) {
  for (int fd = 0; fd < 3; fd++)
    if (saved_flags[fd] >= 0) fcntl(fd, F_SETFL, saved_flags[fd]);
  if (termios_fd >= 0) tcsetattr(termios_fd, TCSADRAIN, &saved_termios);
}

static void js_path(char *out, size_t n, const char *name) {
  snprintf(out, n, "%s/src/cli/%s", root_dir, name);
}

/*
 * Runs the command the plain way: node -- dist/src/cli/main.js ARGS (replaces this process).
 * The `--`: Node.js 20 reads `--env-file` anywhere in its argv up to a `--`, script arguments
 * included, so `berth run --env-file F` would have node load F (or fail) instead of berth.
 */
static void run_plain(int argc, char **argv) {
  char main_js[PATH_MAX];
  js_path(main_js, sizeof main_js, "main.js");
  char **args = calloc((size_t)argc + 3, sizeof *args);
  if (!args) {
    perror("berth");
    exit(125);
  }
  args[0] = "node";
  args[1] = "--";
  args[2] = main_js;
  for (int i = 1; i < argc; i++) args[i + 2] = argv[i];
  execvp("node", args);
  fprintf(stderr, "berth: cannot run node: %s\n", strerror(errno));
  exit(125);
}

/* Whether arg names a descriptor of this process (a path only this process can open). */
static int names_own_fd(const char *arg) {
  static const char *const own[] = {"/dev/fd/", "/dev/stdin", "/dev/stdout", "/dev/stderr", "/proc/self/", "/proc/thread-self/"};
  for (size_t i = 0; i < sizeof own / sizeof *own; i++)
    if (strstr(arg, own[i])) return 1;
  return 0;
}

/* The socket directory, created if missing; NULL when it is not private to this user. */
/* A directory that exists, is a directory, and is owned by and private to this user. */
static int private_dir(const char *path, uid_t uid) {
  if (mkdir(path, 0700) != 0 && errno != EEXIST) return 0;
  struct stat st;
  return lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == uid && (st.st_mode & 077) == 0;
}

/*
 * The host's directory. BERTH_CLI_DIR names it exactly; otherwise it is one per installation
 * (a hash of root_dir) inside the user's private directory, so that a launcher never hands its
 * command to a host running another installation's code.
 */
static const char *socket_dir(char *buf, size_t n) {
  const char *dir = getenv("BERTH_CLI_DIR");
  uid_t uid = getuid();
  if (dir && *dir) {
    snprintf(buf, n, "%s", dir);
    return private_dir(buf, uid) ? buf : NULL;
  }
  if (uid == 0) {
    snprintf(buf, n, "/run/berth-cli");
  } else if (getenv("XDG_RUNTIME_DIR") && *getenv("XDG_RUNTIME_DIR")) {
    snprintf(buf, n, "%s/berth-cli", getenv("XDG_RUNTIME_DIR"));
  } else {
    snprintf(buf, n, "/tmp/berth-cli-%u", (unsigned)uid);
  }
  if (!private_dir(buf, uid)) return NULL;
  uint64_t h = 14695981039346656037ULL; /* FNV-1a */
  for (const unsigned char *p = (const unsigned char *)root_dir; *p; p++) h = (h ^ *p) * 1099511628211ULL;
  size_t len = strlen(buf);
  if ((size_t)snprintf(buf + len, n - len, "/%016llx", (unsigned long long)h) >= n - len) return NULL;
  return private_dir(buf, uid) ? buf : NULL;
}

/* Starts a CLI host in the background (double fork, own session, stdio to its log file). */
static void start_host(const char *dir) {
  pid_t pid = fork();
  if (pid < 0) return;
  if (pid > 0) {
    waitpid(pid, NULL, 0);
    return;
  }
  if (fork() != 0) _exit(0);
  setsid();
  char log[PATH_MAX], host_js[PATH_MAX];
  snprintf(log, sizeof log, "%s/host.log", dir);
  js_path(host_js, sizeof host_js, "host.js");
  int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
  int out = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (null < 0 || out < 0) _exit(1);
  dup2(null, 0);
  dup2(out, 1);
  dup2(out, 2);
  for (int fd = 3; fd < 1024; fd++) close(fd);
  if (chdir("/") != 0) _exit(1);
  char *args[] = {"node", host_js, (char *)dir, NULL};
  execvp("node", args);
  _exit(127);
}

/* A signal handler: only async-signal-safe calls (write), no stdio or malloc. */
static void forward_signal(int sig) {
  int saved = errno;
  char msg[16], digits[12];
  size_t nd = 0, len = 0;
  unsigned v = sig > 0 ? (unsigned)sig : 0;
  do digits[nd++] = (char)('0' + v % 10);
  while ((v /= 10) != 0 && nd < sizeof digits);
  msg[len++] = 'S';
  msg[len++] = ' ';
  while (nd > 0) msg[len++] = digits[--nd];
  msg[len++] = '\n';
  if (host_fd >= 0 && write(host_fd, msg, len) < 0) { /* the host is gone: the read loop sees it */ }
  errno = saved;
}

/* Appends s (with its NUL) to the growing payload. */
static int put(char **buf, size_t *len, size_t *cap, const char *s) {
  size_t n = strlen(s) + 1;
  if (*len + n > *cap) {
    size_t c = (*cap ? *cap * 2 : 4096);
    while (c < *len + n) c *= 2;
    char *b = realloc(*buf, c);
    if (!b) return -1;
    *buf = b;
    *cap = c;
  }
  memcpy(*buf + *len, s, n);
  *len += n;
  return 0;
}

/* Sends the command to the host; 0 on success. */
static int send_command(int fd, int argc, char **argv) {
  char *buf = NULL, num[32], cwd[PATH_MAX];
  size_t len = 4, cap = 0;
  if (!getcwd(cwd, sizeof cwd)) return -1;
  buf = malloc(4096);
  if (!buf) return -1;
  cap = 4096;
  int ok = put(&buf, &len, &cap, "berth-cli/1") == 0 && put(&buf, &len, &cap, cwd) == 0;
  snprintf(num, sizeof num, "%d", argc - 1);
  ok = ok && put(&buf, &len, &cap, num) == 0;
  for (int i = 1; ok && i < argc; i++) ok = put(&buf, &len, &cap, argv[i]) == 0;
  int envc = 0;
  for (char **e = environ; *e; e++) envc++;
  snprintf(num, sizeof num, "%d", envc);
  ok = ok && put(&buf, &len, &cap, num) == 0;
  for (int i = 0; ok && i < envc; i++) ok = put(&buf, &len, &cap, environ[i]) == 0;
  if (!ok) {
    free(buf);
    return -1;
  }
  uint32_t body = (uint32_t)(len - 4);
  buf[0] = (char)(body >> 24);
  buf[1] = (char)(body >> 16);
  buf[2] = (char)(body >> 8);
  buf[3] = (char)body;

  int fds[3] = {0, 1, 2};
  char control[CMSG_SPACE(sizeof fds)];
  memset(control, 0, sizeof control);
  struct iovec iov = {.iov_base = buf, .iov_len = len};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof fds);
  memcpy(CMSG_DATA(c), fds, sizeof fds);
  ssize_t n;
  do n = sendmsg(fd, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  size_t sent = n < 0 ? 0 : (size_t)n;
  while (n >= 0 && sent < len) {
    n = send(fd, buf + sent, len - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) {
      n = 0;
      continue;
    }
    if (n > 0) sent += (size_t)n;
  }
  free(buf);
  return n < 0 ? -1 : 0;
}

int main(int argc, char **argv) {
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) {
    perror("berth: /proc/self/exe");
    return 125;
  }
  self[n] = 0;
  /* <root>/dist/native/berth -> <root>/dist */
  char *slash = strrchr(self, '/');
  if (slash) *slash = 0;
  slash = strrchr(self, '/');
  if (slash) *slash = 0;
  if (strlen(self) >= sizeof root_dir) {
    fprintf(stderr, "berth: installed under too long a path: %s\n", self);
    return 125;
  }
  memcpy(root_dir, self, strlen(self) + 1);

  const char *mode = getenv("BERTH_CLI_HOST");
  if (mode && strcmp(mode, "0") == 0) run_plain(argc, argv);
  for (int fd = 0; fd < 3; fd++)
    if (fcntl(fd, F_GETFD) < 0) run_plain(argc, argv);
  for (int i = 1; i < argc; i++)
    if (names_own_fd(argv[i])) run_plain(argc, argv);

  char dirbuf[PATH_MAX];
  const char *dir = socket_dir(dirbuf, sizeof dirbuf);
  if (!dir) run_plain(argc, argv);
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if ((size_t)snprintf(addr.sun_path, sizeof addr.sun_path, "%s/host.sock", dir) >= sizeof addr.sun_path) run_plain(argc, argv);
  host_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (host_fd < 0) run_plain(argc, argv);
  if (connect(host_fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
    close(host_fd);
    host_fd = -1;
    start_host(dir);
    run_plain(argc, argv);
  }

  for (int fd = 0; fd < 3; fd++) saved_flags[fd] = fcntl(fd, F_GETFL);
  for (int fd = 0; fd < 3 && termios_fd < 0; fd++)
    if (isatty(fd) && tcgetattr(fd, &saved_termios) == 0) termios_fd = fd;

  int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = forward_signal;
  sigemptyset(&sa.sa_mask);
  sigset_t forward_set, unblocked;
  sigemptyset(&forward_set);
  for (size_t i = 0; i < sizeof forwarded / sizeof *forwarded; i++) {
    sigaction(forwarded[i], &sa, NULL);
    sigaddset(&forward_set, forwarded[i]);
  }
  signal(SIGPIPE, SIG_IGN);

  /* The host runs commands with its own umask; it declines a caller whose umask differs. */
  mode_t mask = umask(0);
  umask(mask);
  char mask_text[8];
  snprintf(mask_text, sizeof mask_text, "%04o", (unsigned)mask);
  setenv("BERTH_CLI_UMASK", mask_text, 1);

  /* Signals wait until the command is sent, so that "S <signo>" never lands inside it. */
  sigprocmask(SIG_BLOCK, &forward_set, &unblocked);
  int sent = send_command(host_fd, argc, argv);
  if (sent != 0) {
    /* Nothing ran yet: the plain way is safe. */
    close(host_fd);
    host_fd = -1;
  }
  sigprocmask(SIG_SETMASK, &unblocked, NULL);
  if (sent != 0) run_plain(argc, argv);

  char line[64];
  size_t have = 0;
  for (;;) {
    ssize_t r = read(host_fd, line + have, sizeof line - 1 - have);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    have += (size_t)r;
    line[have] = 0;
    char *nl = strchr(line, '\n');
    if (!nl) {
      if (have >= sizeof line - 1) break;
      continue;
    }
    *nl = 0;
    int value = atoi(line + 2);
    if (line[0] == 'C') {
      int fd = host_fd;
      host_fd = -1; /* before the close: a signal must not write to a reused descriptor */
      close(fd);
      restore_stdio();
      if (value == 1) start_host(dir);
      run_plain(argc, argv);
    }
    restore_stdio();
    if (line[0] == 'X') return value;
    if (line[0] == 'K') {
      signal(value, SIG_DFL);
      sigset_t set;
      sigemptyset(&set);
      sigaddset(&set, value);
      sigprocmask(SIG_UNBLOCK, &set, NULL);
      raise(value);
      return 128 + value;
    }
    break;
  }
  restore_stdio();
  fprintf(stderr, "berth: the CLI host ended before the command did (see %s/host.log)\n", dir);
  return 125;
}
