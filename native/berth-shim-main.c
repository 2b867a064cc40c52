/*
 * berth-shim: the monitor of one container process (a container's init, or one exec).
 *
 * berthd starts one shim per container start (and per exec). The shim daemonizes (fork, setsid,
 * PR_SET_CHILD_SUBREAPER), runs `runc create` (or `runc exec -d`) as its child with the
 * container's stdio (pipes, or a pty whose master arrives over runc's --console-socket), and
 * then owns that stdio: it writes Docker json-file log lines, serves an attach socket, waits for
 * the container process (which runc leaves to it as the nearest subreaper), records its exit
 * status in a file atomically, and exits. It outlives berthd, so containers keep running and stay
 * attachable across daemon restarts. berthd itself runs `runc start`.
 *
 * Why not conmon: its attach socket is SOCK_SEQPACKET (Node cannot open one) and its log is in
 * the k8s-file format, not Docker's json-file.
 *
 * Usage: berth-shim [OPTIONS] -- RUNC_ARGV...
 *   --attach PATH        unix stream socket to serve (created after runc succeeds)
 *   --pid-file PATH      the file runc writes the process ID to (also given in RUNC_ARGV)
 *   --exit-file PATH     where the exit status goes (JSON, written tmp -> fsync -> rename)
 *   --log PATH           json-file log to append to (optional)
 *   --log-max-size N     rotate the log once it holds N bytes or more (before the next record,
 *                        as dockerd's json-file: a file ends past N by its last record): PATH -> PATH.1 ->
 *                        PATH.2 …, keeping --log-max-file files in all (1: PATH starts over)
 *   --log-max-file N     (default 1)
 *   --log-compress       gzip rotated files (PATH.K.gz) in a child process, as Docker does
 *   --log-attrs JSON     an object written into every record as "attrs" (`logs --details`)
 *   --runc-log PATH      runc's --log file (JSON lines), read for the error of a failed create
 *   --console PATH       TTY mode: listen here for runc's --console-socket (also in RUNC_ARGV)
 *   --size ROWS:COLS     TTY mode: initial window size
 *   --stdin              keep the container's stdin open (a pipe); otherwise it is /dev/null
 *   --sync-fd N          where to report the outcome of runc: "ok PID\n" or "err MESSAGE\n"
 *   --shim-log PATH      where the shim's own diagnostics go once it is running
 *   --hold               read no output until a client that wants output has said HELLO, and
 *                        after the exit wait up to 30 s for one (an exec that starts running at
 *                        once, before berthd can attach)
 *
 * Attach protocol (unix stream socket, any number of clients, both directions framed):
 *   every frame = 8-byte header [type u8, 0, 0, 0, length u32 big-endian] + length bytes.
 *   client -> shim
 *     0x10 HELLO        payload 1 byte: 1 = stdin, 2 = stdout, 4 = stderr (what this client
 *                       wants). Must come first; the shim answers READY. A client that asks for
 *                       no output (berthd's monitor connection) never receives output.
 *     0x00 STDIN        bytes for the container's stdin (honoured for clients that said stdin)
 *     0x12 CLOSE_STDIN  close the container's stdin once pending bytes are written (pipe mode;
 *                       ignored with a TTY)
 *     0x13 RESIZE       payload: rows u16 BE, cols u16 BE (TTY mode)
 *   shim -> client
 *     0x11 READY        payload: the process ID in ASCII; output sent after this is complete
 *     0x01 STDOUT, 0x02 STDERR   output as read (TTY output is all STDOUT)
 *     0x14 EXIT         payload: the exit status in ASCII; sent after the exit file is written,
 *                       then the shim closes the connection.
 *   Output is read from the container only while every output client has less than 256 KiB
 *   pending, so a slow reader slows the container down instead of growing memory.
 *
 * Exit file: {"ExitCode":N,"FinishedAt":"<RFC 3339 nano>","Signal":S} (Signal 0 unless killed).
 * Log line: {"log":"hi\n","stream":"stdout","time":"2026-01-02T03:04:05.123456789Z"}; lines
 *   longer than 16 KiB are split into partial records (no trailing newline), as Docker does.
 *   Rotation happens between whole records, so a reader never sees a record split across files.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define T_STDIN 0x00
#define T_STDOUT 0x01
#define T_STDERR 0x02
#define T_HELLO 0x10
#define T_READY 0x11
#define T_CLOSE_STDIN 0x12
#define T_RESIZE 0x13
#define T_EXIT 0x14

#define F_STDIN 1u
#define F_STDOUT 2u
#define F_STDERR 4u

#define MAX_CLIENTS 64
#define MAX_FRAME (1u << 20)
#define CLIENT_HIGH (256u * 1024u)
#define STDIN_HIGH (1u << 20)
#define LOG_LINE_MAX (16u * 1024u)
#define READ_CHUNK 32768
#define DRAIN_MS 3000
#define FLUSH_MS 5000
#define MAX_ORPHANS 256
#define HOLD_MS 30000

/* ---------- small helpers ---------- */

static FILE *diag; /* diagnostics; stderr until the shim is running */

static void note(const char *fmt, ...) {
  if (!diag) return;
  va_list ap;
  va_start(ap, fmt);
  vfprintf(diag, fmt, ap);
  va_end(ap);
  fputc('\n', diag);
  fflush(diag);
}

static void die(const char *what) {
  note("berth-shim: %s: %s", what, strerror(errno));
  _exit(1);
}

struct buf {
  char *data;
  size_t len, cap;
};

static int buf_append(struct buf *b, const void *p, size_t n) {
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n) cap *= 2;
    char *d = realloc(b->data, cap);
    if (!d) return -1;
    b->data = d;
    b->cap = cap;
  }
  memcpy(b->data + b->len, p, n);
  b->len += n;
  return 0;
}

static void buf_consume(struct buf *b, size_t n) {
  if (n >= b->len) {
    b->len = 0;
    return;
  }
  memmove(b->data, b->data + n, b->len - n);
  b->len -= n;
}

static void buf_free(struct buf *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

static int write_all(int fd, const void *p, size_t n) {
  const char *c = p;
  while (n > 0) {
    ssize_t w = write(fd, c, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    c += w;
    n -= (size_t)w;
  }
  return 0;
}

static int set_nonblock(int fd) {
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0) return -1;
  return fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* RFC 3339 with nanoseconds, trailing zeros trimmed, as Go's time.RFC3339Nano in UTC. */
static void rfc3339nano(char *out, size_t size) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  size_t n = strftime(out, size, "%Y-%m-%dT%H:%M:%S", &tm);
  if (ts.tv_nsec != 0 && n + 11 < size) {
    char frac[16];
    snprintf(frac, sizeof frac, ".%09ld", ts.tv_nsec);
    size_t k = strlen(frac);
    while (k > 1 && frac[k - 1] == '0') frac[--k] = '\0';
    memcpy(out + n, frac, k + 1);
    n += k;
  }
  if (n + 2 <= size) {
    out[n] = 'Z';
    out[n + 1] = '\0';
  }
}

static void put_header(unsigned char h[8], unsigned type, uint32_t len) {
  h[0] = (unsigned char)type;
  h[1] = h[2] = h[3] = 0;
  h[4] = (unsigned char)(len >> 24);
  h[5] = (unsigned char)(len >> 16);
  h[6] = (unsigned char)(len >> 8);
  h[7] = (unsigned char)len;
}

/* ---------- options ---------- */

static struct {
  const char *attach, *pid_file, *exit_file, *log, *runc_log, *console, *shim_log, *log_attrs;
  int open_stdin, sync_fd, hold, log_compress;
  long long log_max_size;
  int log_max_file;
  unsigned rows, cols;
  char **runc_argv;
} opt = {.sync_fd = -1, .log_max_file = 1};

static void usage(void) {
  fprintf(stderr, "usage: berth-shim --attach PATH --pid-file PATH --exit-file PATH [--log PATH] [--runc-log PATH]\n"
                  "                  [--console PATH [--size ROWS:COLS]] [--stdin] [--sync-fd N] [--shim-log PATH]\n"
                  "                  -- RUNC_ARGV...\n");
  _exit(2);
}

static void parse_args(int argc, char **argv) {
  int i;
  for (i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--") == 0) {
      i++;
      break;
    }
    if (strcmp(a, "--stdin") == 0) {
      opt.open_stdin = 1;
      continue;
    }
    if (strcmp(a, "--hold") == 0) {
      opt.hold = 1;
      continue;
    }
    if (strcmp(a, "--log-compress") == 0) {
      opt.log_compress = 1;
      continue;
    }
    if (i + 1 >= argc) usage();
    const char *v = argv[++i];
    if (strcmp(a, "--attach") == 0) opt.attach = v;
    else if (strcmp(a, "--pid-file") == 0) opt.pid_file = v;
    else if (strcmp(a, "--exit-file") == 0) opt.exit_file = v;
    else if (strcmp(a, "--log") == 0) opt.log = v;
    else if (strcmp(a, "--runc-log") == 0) opt.runc_log = v;
    else if (strcmp(a, "--console") == 0) opt.console = v;
    else if (strcmp(a, "--shim-log") == 0) opt.shim_log = v;
    else if (strcmp(a, "--log-attrs") == 0) opt.log_attrs = v;
    else if (strcmp(a, "--log-max-size") == 0 || strcmp(a, "--log-max-file") == 0) {
      char *end;
      long long n = strtoll(v, &end, 10);
      if (*end || n < 1) usage();
      if (a[10] == 's') opt.log_max_size = n;
      else opt.log_max_file = n > 1000000 ? 1000000 : (int)n;
    }
    else if (strcmp(a, "--size") == 0) {
      if (sscanf(v, "%u:%u", &opt.rows, &opt.cols) != 2) usage();
    } else if (strcmp(a, "--sync-fd") == 0) {
      char *end;
      long n = strtol(v, &end, 10);
      if (*end || n < 3 || n > 1024) usage();
      opt.sync_fd = (int)n;
    } else usage();
  }
  if (i >= argc || !opt.attach || !opt.pid_file || !opt.exit_file) usage();
  opt.runc_argv = argv + i;
}

/* ---------- unix sockets ---------- */

static int listen_unix(const char *path, int backlog) {
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  if (strlen(path) >= sizeof sa.sun_path) {
    errno = ENAMETOOLONG;
    return -1;
  }
  strcpy(sa.sun_path, path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (unlink(path) < 0 && errno != ENOENT) goto fail;
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) goto fail;
  if (chmod(path, 0600) < 0) goto fail;
  if (listen(fd, backlog) < 0) goto fail;
  return fd;
fail:;
  int e = errno;
  close(fd);
  errno = e;
  return -1;
}

/* Receives the pty master runc sends over the console socket. */
static int recv_master(int listen_fd) {
  int conn = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
  if (conn < 0) return -1;
  char name[PATH_MAX];
  struct iovec iov = {.iov_base = name, .iov_len = sizeof name};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } u;
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
  ssize_t r;
  do r = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
  while (r < 0 && errno == EINTR);
  int e = errno;
  close(conn);
  if (r < 0) {
    errno = e;
    return -1;
  }
  /* Exactly one descriptor is expected; any other that came along is closed, not leaked. */
  int fd = -1;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < k; i++) {
      int got;
      memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof got);
      if (fd < 0) fd = got;
      else close(got);
    }
  }
  if (fd < 0 || (msg.msg_flags & MSG_CTRUNC)) {
    if (fd >= 0) close(fd);
    errno = EPROTO;
    return -1;
  }
  return fd;
}

/* ---------- children ---------- */

struct orphan {
  pid_t pid;
  int status;
};
static struct orphan orphans[MAX_ORPHANS];
static int norphans;

static void remember(pid_t pid, int status) {
  if (norphans < MAX_ORPHANS) orphans[norphans++] = (struct orphan){pid, status};
}

static int take_remembered(pid_t pid, int *status) {
  for (int i = 0; i < norphans; i++) {
    if (orphans[i].pid == pid) {
      *status = orphans[i].status;
      orphans[i] = orphans[--norphans];
      return 1;
    }
  }
  return 0;
}

static void drain_signalfd(int sigfd) {
  struct signalfd_siginfo si;
  while (read(sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
  }
}

static pid_t spawn_runc(int in, int out, int err, const sigset_t *oldmask) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  /* child: default dispositions and mask, so the container does not inherit the shim's. */
  for (int s = 1; s < NSIG; s++) signal(s, SIG_DFL);
  sigprocmask(SIG_SETMASK, oldmask, NULL);
  if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) _exit(127);
  if (close_range(3, ~0u, 0) < 0)
    for (int fd = 3; fd < 4096; fd++) close(fd);
  execvp(opt.runc_argv[0], opt.runc_argv);
  dprintf(2, "berth-shim: exec %s: %s\n", opt.runc_argv[0], strerror(errno));
  _exit(127);
}

/* The last error message in runc's JSON log: the "msg" of the last line with level "error". */
static void runc_error(char *out, size_t size) {
  out[0] = '\0';
  if (!opt.runc_log) return;
  FILE *f = fopen(opt.runc_log, "re");
  if (!f) return;
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, f)) > 0) {
    if (!strstr(line, "\"level\":\"error\"")) continue;
    char *m = strstr(line, "\"msg\":\"");
    if (!m) continue;
    m += 7;
    size_t k = 0;
    for (char *p = m; *p && *p != '"' && k + 1 < size; p++) {
      if (*p == '\\' && p[1]) {
        p++;
        char c = *p;
        if (c == 'n') c = ' ';
        else if (c == 't') c = ' ';
        else if (c == 'u' && p[1] && p[2] && p[3] && p[4]) {
          /* \u00XX: keep printable ASCII only */
          unsigned v;
          if (sscanf(p + 1, "%4x", &v) == 1 && v >= 0x20 && v < 0x7f) c = (char)v;
          else c = '?';
          p += 4;
        }
        out[k++] = c;
      } else out[k++] = *p;
    }
    out[k] = '\0';
  }
  free(line);
  fclose(f);
}

/* ---------- log writer ---------- */

static int log_fd = -1;
static int log_failed;
static long long log_size;
static pid_t compress_pid;

/* Waits for the compression of the last rotated file (it must be done before the next shift). */
static void wait_compressor(void) {
  if (compress_pid <= 0) return;
  int st;
  while (waitpid(compress_pid, &st, 0) < 0 && errno == EINTR) {
  }
  compress_pid = 0;
}

/* PATH.K (with ".gz" when gz); 0 when it does not fit. */
static int rotated_name(char *out, size_t size, int k, int gz) {
  int n = snprintf(out, size, "%s.%d%s", opt.log, k, gz ? ".gz" : "");
  return n > 0 && (size_t)n < size;
}

/* In a child: PATH.1 -> PATH.1.gz.tmp (gzip) -> fsync -> PATH.1.gz, then PATH.1 goes. */
static void start_compressor(void) {
  pid_t p = fork();
  if (p < 0) {
    note("berth-shim: fork for log compression: %s (PATH.1 stays uncompressed)", strerror(errno));
    return;
  }
  if (p > 0) {
    compress_pid = p;
    return;
  }
  /* The child holds nothing of the shim's: clients must see their connections close. */
  for (int fd = 3; fd < 4096; fd++) close(fd);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  char src[PATH_MAX], dst[PATH_MAX], tmp[PATH_MAX + 8];
  if (!rotated_name(src, sizeof src, 1, 0) || !rotated_name(dst, sizeof dst, 1, 1)) _exit(1);
  snprintf(tmp, sizeof tmp, "%s.tmp", dst);
  int in = open(src, O_RDONLY | O_CLOEXEC);
  int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (in < 0 || out < 0) _exit(1);
  pid_t g = fork();
  if (g < 0) _exit(1);
  if (g == 0) {
    if (dup2(in, 0) < 0 || dup2(out, 1) < 0) _exit(127);
    execlp("gzip", "gzip", "-c", "-n", (char *)NULL);
    /* berthd may run with a PATH without it */
    execl("/usr/bin/gzip", "gzip", "-c", "-n", (char *)NULL);
    execl("/bin/gzip", "gzip", "-c", "-n", (char *)NULL);
    _exit(127);
  }
  int st;
  while (waitpid(g, &st, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || fsync(out) < 0 || close(out) < 0 || rename(tmp, dst) < 0) {
    unlink(tmp);
    _exit(1);
  }
  unlink(src);
  _exit(0);
}

/* Docker's json-file rotation: shift PATH.K to PATH.K+1 (the oldest goes), PATH to PATH.1, start PATH anew. */
static void log_rotate(void) {
  if (opt.log_max_file <= 1) {
    if (ftruncate(log_fd, 0) < 0) note("berth-shim: truncating the log: %s", strerror(errno));
    log_size = 0;
    return;
  }
  wait_compressor();
  char from[PATH_MAX], to[PATH_MAX];
  for (int gz = 0; gz <= 1; gz++)
    if (rotated_name(to, sizeof to, opt.log_max_file - 1, gz)) unlink(to);
  for (int k = opt.log_max_file - 2; k >= 1; k--) {
    for (int gz = 0; gz <= 1; gz++) {
      if (!rotated_name(from, sizeof from, k, gz) || !rotated_name(to, sizeof to, k + 1, gz)) continue;
      if (rename(from, to) < 0 && errno != ENOENT) note("berth-shim: rotating %s: %s", from, strerror(errno));
    }
  }
  int fd = -1;
  if (rotated_name(to, sizeof to, 1, 0) && rename(opt.log, to) == 0)
    fd = open(opt.log, O_WRONLY | O_APPEND | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) {
    /* Keep the bound: start the current file over rather than grow it. */
    note("berth-shim: rotating the log: %s (the log starts over)", strerror(errno));
    if (ftruncate(log_fd, 0) < 0) note("berth-shim: truncating the log: %s", strerror(errno));
    log_size = 0;
    return;
  }
  close(log_fd);
  log_fd = fd;
  log_size = 0;
  if (opt.log_compress) start_compressor();
}

struct linebuf {
  const char *stream;
  struct buf b;
};
static struct linebuf lines[2] = {{"stdout", {0}}, {"stderr", {0}}};

/* Length of a valid UTF-8 sequence at p (1..4), or 0 when invalid/incomplete. */
static size_t utf8_len(const unsigned char *p, size_t n) {
  unsigned c = p[0];
  size_t k;
  unsigned min;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) k = 2, min = 0x80;
  else if ((c & 0xF0) == 0xE0) k = 3, min = 0x800;
  else if ((c & 0xF8) == 0xF0) k = 4, min = 0x10000;
  else return 0;
  if (n < k) return 0;
  unsigned v = c & (0xFF >> (k + 1));
  for (size_t i = 1; i < k; i++) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    v = (v << 6) | (p[i] & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  return k;
}

/* Appends p as a JSON string body, escaped as Go's encoding/json does (HTML-safe). */
static int json_escape(struct buf *o, const unsigned char *p, size_t n) {
  static const char hex[] = "0123456789abcdef";
  size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    char esc[8];
    if (c >= 0x80) {
      size_t k = utf8_len(p + i, n - i);
      if (k == 0) {
        if (buf_append(o, "\\ufffd", 6) < 0) return -1;
        i++;
        continue;
      }
      /* U+2028 and U+2029 are escaped too */
      if (k == 3 && c == 0xE2 && p[i + 1] == 0x80 && (p[i + 2] == 0xA8 || p[i + 2] == 0xA9)) {
        if (buf_append(o, p[i + 2] == 0xA8 ? "\\u2028" : "\\u2029", 6) < 0) return -1;
      } else if (buf_append(o, p + i, k) < 0) return -1;
      i += k;
      continue;
    }
    const char *s = NULL;
    switch (c) {
      case '"': s = "\\\""; break;
      case '\\': s = "\\\\"; break;
      case '\n': s = "\\n"; break;
      case '\r': s = "\\r"; break;
      case '\t': s = "\\t"; break;
      default:
        if (c < 0x20 || c == '<' || c == '>' || c == '&') {
          esc[0] = '\\', esc[1] = 'u', esc[2] = '0', esc[3] = '0', esc[4] = hex[c >> 4], esc[5] = hex[c & 15], esc[6] = 0;
          s = esc;
        }
    }
    if (s) {
      if (buf_append(o, s, strlen(s)) < 0) return -1;
    } else if (buf_append(o, &c, 1) < 0) return -1;
    i++;
  }
  return 0;
}

static void log_record(const char *stream, const unsigned char *p, size_t n) {
  if (log_fd < 0 || log_failed) return;
  static struct buf o;
  char ts[48];
  rfc3339nano(ts, sizeof ts);
  o.len = 0;
  if (buf_append(&o, "{\"log\":\"", 8) < 0 || json_escape(&o, p, n) < 0 || buf_append(&o, "\",\"stream\":\"", 12) < 0 ||
      buf_append(&o, stream, strlen(stream)) < 0 ||
      (opt.log_attrs && (buf_append(&o, "\",\"attrs\":", 10) < 0 || buf_append(&o, opt.log_attrs, strlen(opt.log_attrs)) < 0 ||
                         buf_append(&o, ",\"time\":\"", 9) < 0)) ||
      (!opt.log_attrs && buf_append(&o, "\",\"time\":\"", 10) < 0) ||
      buf_append(&o, ts, strlen(ts)) < 0 || buf_append(&o, "\"}\n", 3) < 0) {
    note("berth-shim: out of memory formatting a log line");
    return;
  }
  if (opt.log_max_size > 0 && log_size >= opt.log_max_size) log_rotate();
  if (write_all(log_fd, o.data, o.len) < 0) {
    note("berth-shim: writing the log: %s (further log lines are dropped)", strerror(errno));
    log_failed = 1;
  }
  log_size += (long long)o.len;
}

/* Cut point for a partial record: not inside a UTF-8 sequence. */
static size_t partial_cut(const unsigned char *p, size_t n) {
  size_t cut = n;
  for (size_t back = 1; back <= 3 && back <= n; back++) {
    unsigned char c = p[n - back];
    if ((c & 0xC0) == 0x80) continue;
    if (c >= 0xC0) {
      size_t want = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
      if (want > back) cut = n - back;
    }
    break;
  }
  return cut ? cut : n;
}

static void log_data(int which, const char *p, size_t n) {
  if (log_fd < 0 || log_failed) return;
  struct linebuf *l = &lines[which];
  while (n > 0) {
    const char *nl = memchr(p, '\n', n);
    size_t take = nl ? (size_t)(nl - p) + 1 : n;
    if (l->b.len == 0 && nl && take <= LOG_LINE_MAX) {
      log_record(l->stream, (const unsigned char *)p, take);
    } else {
      if (buf_append(&l->b, p, take) < 0) {
        note("berth-shim: out of memory buffering a log line");
        return;
      }
      while (l->b.len > LOG_LINE_MAX) {
        size_t cut = partial_cut((unsigned char *)l->b.data, LOG_LINE_MAX);
        log_record(l->stream, (unsigned char *)l->b.data, cut);
        buf_consume(&l->b, cut);
      }
      if (nl && l->b.len > 0) {
        log_record(l->stream, (unsigned char *)l->b.data, l->b.len);
        l->b.len = 0;
      }
    }
    p += take;
    n -= take;
  }
}

static void log_flush(void) {
  for (int i = 0; i < 2; i++) {
    if (lines[i].b.len) log_record(lines[i].stream, (unsigned char *)lines[i].b.data, lines[i].b.len);
    lines[i].b.len = 0;
  }
}

/* ---------- clients ---------- */

struct client {
  int fd;
  unsigned flags;
  int hello, dead;
  struct buf in, out;
};
static struct client clients[MAX_CLIENTS];
static int nclients;
static pid_t child_pid;

/* Clients are marked dead where a failure is noticed and removed only by compact(), so that
 * indexes stay valid for the rest of a poll round. */
static void compact(void) {
  int j = 0;
  for (int i = 0; i < nclients; i++) {
    if (clients[i].dead) {
      close(clients[i].fd);
      buf_free(&clients[i].in);
      buf_free(&clients[i].out);
      continue;
    }
    clients[j++] = clients[i];
  }
  for (int i = j; i < nclients; i++) memset(&clients[i], 0, sizeof clients[i]);
  nclients = j;
}

/* Queues a frame and tries to send it at once; returns -1 when the client must be dropped. */
static int client_send(struct client *c, unsigned type, const void *p, size_t n) {
  unsigned char h[8];
  put_header(h, type, (uint32_t)n);
  if (c->out.len == 0) {
    struct iovec iov[2] = {{h, 8}, {(void *)p, n}};
    ssize_t w;
    do w = writev(c->fd, iov, n ? 2 : 1);
    while (w < 0 && errno == EINTR);
    if (w < 0 && errno != EAGAIN) return -1;
    if (w < 0) w = 0;
    size_t sent = (size_t)w;
    if (sent < 8) {
      if (buf_append(&c->out, h + sent, 8 - sent) < 0 || buf_append(&c->out, p, n) < 0) return -1;
    } else if (sent - 8 < n) {
      if (buf_append(&c->out, (const char *)p + (sent - 8), n - (sent - 8)) < 0) return -1;
    }
    return 0;
  }
  if (buf_append(&c->out, h, 8) < 0 || buf_append(&c->out, p, n) < 0) return -1;
  return 0;
}

static int client_flush(struct client *c) {
  while (c->out.len) {
    ssize_t w = write(c->fd, c->out.data, c->out.len);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return 0;
      return -1;
    }
    buf_consume(&c->out, (size_t)w);
  }
  return 0;
}

static void broadcast(unsigned type, const char *p, size_t n) {
  unsigned want = type == T_STDOUT ? F_STDOUT : F_STDERR;
  for (int i = 0; i < nclients; i++)
    if (!clients[i].dead && clients[i].hello && (clients[i].flags & want) && client_send(&clients[i], type, p, n) < 0)
      clients[i].dead = 1;
}

static int output_blocked(void) {
  for (int i = 0; i < nclients; i++)
    if (!clients[i].dead && (clients[i].flags & (F_STDOUT | F_STDERR)) && clients[i].out.len >= CLIENT_HIGH) return 1;
  return 0;
}

/* ---------- container stdio ---------- */

static int tty_mode;
static int out_fd = -1, err_fd = -1; /* read ends (out_fd is the pty master in TTY mode) */
static int in_fd = -1;               /* write end of stdin (the master in TTY mode) */
static struct buf stdin_buf;
static int stdin_close_pending;

static void close_stdin_now(void) {
  if (tty_mode || in_fd < 0) return;
  close(in_fd);
  in_fd = -1;
  buf_free(&stdin_buf);
}

static void flush_stdin(void) {
  int fd = tty_mode ? out_fd : in_fd;
  while (fd >= 0 && stdin_buf.len) {
    ssize_t w = write(fd, stdin_buf.data, stdin_buf.len);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return;
      /* EPIPE/EIO: the reader is gone; drop what is pending */
      stdin_buf.len = 0;
      if (!tty_mode) close_stdin_now();
      return;
    }
    buf_consume(&stdin_buf, (size_t)w);
  }
  if (stdin_close_pending && stdin_buf.len == 0) close_stdin_now();
}

static void handle_frame(int i, unsigned type, const unsigned char *p, uint32_t n) {
  struct client *c = &clients[i];
  if (!c->hello) {
    if (type != T_HELLO || n < 1) return;
    c->hello = 1;
    c->flags = p[0] & (F_STDIN | F_STDOUT | F_STDERR);
    if (c->flags & (F_STDOUT | F_STDERR)) opt.hold = 0;
    char pid[24];
    int k = snprintf(pid, sizeof pid, "%d", (int)child_pid);
    if (client_send(c, T_READY, pid, (size_t)k) < 0) c->dead = 1;
    return;
  }
  switch (type) {
    case T_STDIN:
      if (!(c->flags & F_STDIN) || stdin_close_pending) return;
      if ((tty_mode ? out_fd : in_fd) < 0) return;
      if (buf_append(&stdin_buf, p, n) < 0) note("berth-shim: out of memory buffering stdin");
      flush_stdin();
      break;
    case T_CLOSE_STDIN:
      /* A terminal's input cannot be closed apart from its output: nothing to do (a later
       * attach must still be able to type). */
      if (tty_mode) break;
      stdin_close_pending = 1;
      flush_stdin();
      break;
    case T_RESIZE:
      if (tty_mode && out_fd >= 0 && n >= 4) {
        struct winsize ws = {.ws_row = (unsigned short)((p[0] << 8) | p[1]), .ws_col = (unsigned short)((p[2] << 8) | p[3])};
        if (ioctl(out_fd, TIOCSWINSZ, &ws) < 0) note("berth-shim: resize: %s", strerror(errno));
      }
      break;
    default:
      break;
  }
}

/* Reads from a client; returns -1 when it must be dropped. */
static int client_read(int i) {
  struct client *c = &clients[i];
  char tmp[READ_CHUNK];
  ssize_t r;
  do r = read(c->fd, tmp, sizeof tmp);
  while (r < 0 && errno == EINTR);
  if (r < 0) return errno == EAGAIN ? 0 : -1;
  if (r == 0) return -1;
  if (buf_append(&c->in, tmp, (size_t)r) < 0) return -1;
  size_t off = 0;
  while (c->in.len - off >= 8) {
    const unsigned char *h = (unsigned char *)c->in.data + off;
    uint32_t n = ((uint32_t)h[4] << 24) | ((uint32_t)h[5] << 16) | ((uint32_t)h[6] << 8) | h[7];
    if (n > MAX_FRAME) return -1;
    if (c->in.len - off - 8 < n) break;
    handle_frame(i, h[0], h + 8, n);
    off += 8 + n;
  }
  buf_consume(&c->in, off);
  return 0;
}

/* Reads container output; returns 0 at EOF (the fd is then closed). */
static int pump_output(int *fdp, int which) {
  char tmp[READ_CHUNK];
  ssize_t r;
  do r = read(*fdp, tmp, sizeof tmp);
  while (r < 0 && errno == EINTR);
  if (r < 0 && errno == EAGAIN) return 1;
  if (r <= 0) {
    /* EOF, or EIO from a pty master once every slave is closed */
    if (*fdp == out_fd && tty_mode) in_fd = -1;
    close(*fdp);
    *fdp = -1;
    return 0;
  }
  log_data(which, tmp, (size_t)r);
  broadcast(which == 0 ? T_STDOUT : T_STDERR, tmp, (size_t)r);
  return 1;
}

/* ---------- exit file ---------- */

static int write_exit_file(int code, int sig, const char *finished) {
  char tmp[PATH_MAX];
  if (snprintf(tmp, sizeof tmp, "%s.tmp", opt.exit_file) >= (int)sizeof tmp) {
    errno = ENAMETOOLONG;
    return -1;
  }
  char body[160];
  int n = snprintf(body, sizeof body, "{\"ExitCode\":%d,\"FinishedAt\":\"%s\",\"Signal\":%d}\n", code, finished, sig);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return -1;
  if (write_all(fd, body, (size_t)n) < 0 || fsync(fd) < 0) {
    int e = errno;
    close(fd);
    unlink(tmp);
    errno = e;
    return -1;
  }
  if (close(fd) < 0 || rename(tmp, opt.exit_file) < 0) return -1;
  char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%s", opt.exit_file);
  char *slash = strrchr(dir, '/');
  if (slash) {
    if (slash == dir) slash[1] = '\0';
    else *slash = '\0';
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      fsync(dfd);
      close(dfd);
    }
  }
  return 0;
}

static void report(const char *fmt, ...) {
  if (opt.sync_fd < 0) return;
  char msg[4200];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(msg, sizeof msg - 1, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n > sizeof msg - 2) n = (int)sizeof msg - 2;
  for (int i = 0; i < n; i++)
    if (msg[i] == '\n') msg[i] = ' ';
  msg[n++] = '\n';
  if (write_all(opt.sync_fd, msg, (size_t)n) < 0) note("berth-shim: reporting to berthd: %s", strerror(errno));
  close(opt.sync_fd);
  opt.sync_fd = -1;
}

/* ---------- main ---------- */

int main(int argc, char **argv) {
  diag = stderr;
  parse_args(argc, argv);
  tty_mode = opt.console != NULL;
  /* Drop descriptors inherited from whoever started us (all but stdio and the sync fd). */
  for (int fd = 3; fd < 4096; fd++)
    if (fd != opt.sync_fd) close(fd);

  /* Daemonize: the caller's child exits at once; the grandchild leads its own session. */
  pid_t p = fork();
  if (p < 0) die("fork");
  if (p > 0) _exit(0);
  if (setsid() < 0) die("setsid");
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) die("prctl(PR_SET_CHILD_SUBREAPER)");
  if (chdir("/") < 0) die("chdir");
  signal(SIGPIPE, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  signal(SIGINT, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  signal(SIGQUIT, SIG_IGN);
  sigset_t mask, oldmask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGCHLD);
  if (sigprocmask(SIG_BLOCK, &mask, &oldmask) < 0) die("sigprocmask");
  int sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
  if (sigfd < 0) die("signalfd");

  int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull < 0) die("open /dev/null");

  /* The container's stdio as runc will hand it on. */
  int c_in = devnull, c_out = devnull, c_err = devnull;
  int console_fd = -1, runc_err_r = -1;
  if (tty_mode) {
    console_fd = listen_unix(opt.console, 1);
    if (console_fd < 0) {
      report("err listening on the console socket %s: %s", opt.console, strerror(errno));
      _exit(1);
    }
    int pe[2];
    if (pipe2(pe, O_CLOEXEC) < 0) die("pipe");
    runc_err_r = pe[0];
    c_err = pe[1];
  } else {
    int po[2], pe[2];
    if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0) die("pipe");
    out_fd = po[0], c_out = po[1];
    err_fd = pe[0], c_err = pe[1];
    if (opt.open_stdin) {
      int pi[2];
      if (pipe2(pi, O_CLOEXEC) < 0) die("pipe");
      c_in = pi[0], in_fd = pi[1];
    }
  }

  pid_t runc = spawn_runc(c_in, c_out, c_err, &oldmask);
  if (runc < 0) {
    report("err fork: %s", strerror(errno));
    _exit(1);
  }
  if (c_in != devnull) close(c_in);
  if (c_out != devnull) close(c_out);
  if (c_err != devnull) close(c_err);

  /* Wait for runc, taking the pty master when it arrives. */
  int master = -1, runc_status = -1;
  while (runc_status < 0) {
    struct pollfd pf[2] = {{sigfd, POLLIN, 0}, {console_fd, POLLIN, 0}};
    int n = poll(pf, console_fd >= 0 && master < 0 ? 2 : 1, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      die("poll");
    }
    if (pf[0].revents) {
      drain_signalfd(sigfd);
      int st;
      pid_t w;
      while ((w = waitpid(-1, &st, WNOHANG)) > 0) {
        if (w == runc) runc_status = st;
        else remember(w, st);
      }
    }
    if (console_fd >= 0 && master < 0 && (pf[1].revents & POLLIN)) {
      master = recv_master(console_fd);
      if (master < 0) note("berth-shim: receiving the pty master: %s", strerror(errno));
    }
  }
  if (tty_mode && master < 0 && WIFEXITED(runc_status) && WEXITSTATUS(runc_status) == 0) {
    struct pollfd pf = {console_fd, POLLIN, 0};
    if (poll(&pf, 1, 0) == 1) master = recv_master(console_fd);
  }
  if (console_fd >= 0) {
    close(console_fd);
    unlink(opt.console);
  }

  if (!WIFEXITED(runc_status) || WEXITSTATUS(runc_status) != 0) {
    char msg[4096];
    runc_error(msg, sizeof msg);
    if (!msg[0]) {
      /* no JSON log: whatever runc printed */
      int fd = tty_mode ? runc_err_r : err_fd;
      ssize_t r = fd >= 0 && set_nonblock(fd) == 0 ? read(fd, msg, sizeof msg - 1) : -1;
      msg[r > 0 ? r : 0] = '\0';
      while (r > 0 && (msg[r - 1] == '\n' || msg[r - 1] == ' ')) msg[--r] = '\0';
    }
    if (!msg[0]) snprintf(msg, sizeof msg, "%s exited with status %d", opt.runc_argv[0], WIFEXITED(runc_status) ? WEXITSTATUS(runc_status) : 128 + WTERMSIG(runc_status));
    report("err %s", msg);
    _exit(1);
  }
  if (runc_err_r >= 0) close(runc_err_r);

  /* The process ID runc recorded. */
  {
    char b[32] = {0};
    int fd = open(opt.pid_file, O_RDONLY | O_CLOEXEC);
    ssize_t r = fd >= 0 ? read(fd, b, sizeof b - 1) : -1;
    if (fd >= 0) close(fd);
    child_pid = r > 0 ? (pid_t)atoi(b) : 0;
    if (child_pid <= 0) {
      report("err reading the pid file %s: %s", opt.pid_file, r < 0 ? strerror(errno) : "empty");
      _exit(1);
    }
  }

  if (tty_mode) {
    if (master < 0) {
      report("err runc did not send a pty master over the console socket");
      kill(child_pid, SIGKILL);
      _exit(1);
    }
    out_fd = in_fd = master;
    if (opt.rows && opt.cols) {
      struct winsize ws = {.ws_row = (unsigned short)opt.rows, .ws_col = (unsigned short)opt.cols};
      if (ioctl(master, TIOCSWINSZ, &ws) < 0) note("berth-shim: initial window size: %s", strerror(errno));
    }
  }
  if ((out_fd >= 0 && set_nonblock(out_fd) < 0) || (err_fd >= 0 && set_nonblock(err_fd) < 0) ||
      (in_fd >= 0 && in_fd != out_fd && set_nonblock(in_fd) < 0))
    die("fcntl(O_NONBLOCK)");

  if (opt.log) {
    log_fd = open(opt.log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (log_fd < 0) {
      report("err opening the log %s: %s", opt.log, strerror(errno));
      kill(child_pid, SIGKILL);
      _exit(1);
    }
    struct stat lst;
    log_size = fstat(log_fd, &lst) == 0 ? (long long)lst.st_size : 0;
  }
  int listen_fd = listen_unix(opt.attach, 16);
  if (listen_fd < 0 || set_nonblock(listen_fd) < 0) {
    report("err listening on %s: %s", opt.attach, strerror(errno));
    kill(child_pid, SIGKILL);
    _exit(1);
  }

  /* From here on the shim talks to nobody but its clients. */
  if (dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0) die("dup2");
  {
    int lfd = opt.shim_log ? open(opt.shim_log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600) : -1;
    if (dup2(lfd >= 0 ? lfd : devnull, 2) < 0) die("dup2");
    if (lfd >= 0) close(lfd);
  }
  report("ok %d", (int)child_pid);

  int status = 0, exited = take_remembered(child_pid, &status);
  int64_t deadline = exited ? now_ms() + (opt.hold ? HOLD_MS : DRAIN_MS) : 0;
  char finished[48] = {0};
  if (exited) rfc3339nano(finished, sizeof finished);

  for (;;) {
    if (exited && out_fd < 0 && err_fd < 0) break;
    struct pollfd pf[4 + MAX_CLIENTS];
    int idx_listen = -1, idx_out = -1, idx_err = -1, idx_in = -1, nf = 0;
    pf[nf++] = (struct pollfd){sigfd, POLLIN, 0};
    if (nclients < MAX_CLIENTS) idx_listen = nf, pf[nf++] = (struct pollfd){listen_fd, POLLIN, 0};
    int blocked = opt.hold || output_blocked();
    /* A blocked output fd is left out entirely: poll reports POLLHUP even for events 0. */
    if (out_fd >= 0 && (!blocked || (tty_mode && stdin_buf.len))) {
      short ev = blocked ? 0 : POLLIN;
      if (tty_mode && stdin_buf.len) ev |= POLLOUT;
      idx_out = nf, pf[nf++] = (struct pollfd){out_fd, ev, 0};
    }
    if (err_fd >= 0 && !blocked) idx_err = nf, pf[nf++] = (struct pollfd){err_fd, POLLIN, 0};
    if (!tty_mode && in_fd >= 0 && stdin_buf.len) idx_in = nf, pf[nf++] = (struct pollfd){in_fd, POLLOUT, 0};
    int base = nf;
    for (int i = 0; i < nclients; i++) {
      short ev = 0;
      if (!(clients[i].flags & F_STDIN) || stdin_buf.len < STDIN_HIGH) ev |= POLLIN;
      if (clients[i].out.len) ev |= POLLOUT;
      pf[nf++] = (struct pollfd){clients[i].fd, ev, 0};
    }
    int timeout = -1;
    if (exited) {
      int64_t left = deadline - now_ms();
      if (left <= 0) break;
      timeout = (int)left;
    }
    int was_held = opt.hold;
    int n = poll(pf, (nfds_t)nf, timeout);
    if (n < 0) {
      if (errno == EINTR) continue;
      die("poll");
    }
    if (n == 0) continue;
    if (pf[0].revents) {
      drain_signalfd(sigfd);
      int st;
      pid_t w;
      while ((w = waitpid(-1, &st, WNOHANG)) > 0) {
        if (w == compress_pid) compress_pid = 0;
        if (w == child_pid && !exited) {
          exited = 1;
          status = st;
          rfc3339nano(finished, sizeof finished);
          deadline = now_ms() + (opt.hold ? HOLD_MS : DRAIN_MS);
        }
      }
    }
    /* Output before clients, so a client dropped below does not shift indexes we still use. */
    int progress = 0;
    if (idx_out >= 0 && !blocked && (pf[idx_out].revents & (POLLIN | POLLHUP | POLLERR))) progress |= pump_output(&out_fd, 0);
    if (idx_out >= 0 && out_fd >= 0 && (pf[idx_out].revents & POLLOUT)) flush_stdin();
    /* Held or blocked pty whose slave side is gone: pending stdin can never be written. */
    if (idx_out >= 0 && blocked && (pf[idx_out].revents & (POLLHUP | POLLERR))) stdin_buf.len = 0;
    if (idx_err >= 0 && err_fd >= 0 && (pf[idx_err].revents & (POLLIN | POLLHUP | POLLERR))) progress |= pump_output(&err_fd, 1);
    /* After the exit, keep draining as long as output keeps coming. */
    if (exited && progress) deadline = now_ms() + DRAIN_MS;
    if (idx_in >= 0 && in_fd >= 0 && pf[idx_in].revents) flush_stdin();
    for (int i = 0; i < nf - base; i++) {
      short re = pf[base + i].revents;
      struct client *c = &clients[i];
      if (!re || c->dead) continue;
      if ((re & POLLOUT) && client_flush(c) < 0) c->dead = 1;
      if (!c->dead && (re & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) && client_read(i) < 0) c->dead = 1;
    }
    compact();
    /* The first output client arrived after the exit: drain from now on. */
    if (exited && was_held && !opt.hold) deadline = now_ms() + DRAIN_MS;
    if (idx_listen >= 0 && (pf[idx_listen].revents & POLLIN)) {
      int fd;
      while (nclients < MAX_CLIENTS && (fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
        clients[nclients] = (struct client){.fd = fd};
        nclients++;
      }
    }
  }

  /* The process has exited and its output is drained (or the drain timed out). */
  close(listen_fd);
  unlink(opt.attach);
  log_flush();
  /* The log's files are settled before anyone learns of the exit (and may remove the directory). */
  wait_compressor();
  int code = 255, sig = 0;
  if (WIFEXITED(status)) code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status)) sig = WTERMSIG(status), code = 128 + sig;
  if (!finished[0]) rfc3339nano(finished, sizeof finished);
  if (write_exit_file(code, sig, finished) < 0) note("berth-shim: writing %s: %s", opt.exit_file, strerror(errno));

  char cs[16];
  int k = snprintf(cs, sizeof cs, "%d", code);
  for (int i = 0; i < nclients; i++)
    if (clients[i].hello && client_send(&clients[i], T_EXIT, cs, (size_t)k) < 0) clients[i].dead = 1;
  compact();
  int64_t until = now_ms() + FLUSH_MS;
  while (nclients > 0) {
    struct pollfd pf[MAX_CLIENTS];
    for (int i = 0; i < nclients; i++) pf[i] = (struct pollfd){clients[i].fd, clients[i].out.len ? POLLOUT : 0, 0};
    int pending = 0;
    for (int i = 0; i < nclients; i++) pending |= clients[i].out.len > 0;
    if (!pending) break;
    int64_t left = until - now_ms();
    if (left <= 0) break;
    int n = poll(pf, (nfds_t)nclients, (int)left);
    if (n < 0 && errno != EINTR) break;
    for (int i = 0; i < nclients; i++) {
      if (pf[i].revents & (POLLERR | POLLHUP | POLLNVAL)) clients[i].dead = 1;
      else if ((pf[i].revents & POLLOUT) && client_flush(&clients[i]) < 0) clients[i].dead = 1;
    }
    compact();
  }
  for (int i = 0; i < nclients; i++) clients[i].dead = 1;
  compact();
  if (log_fd >= 0) close(log_fd);
  return 0;
}
