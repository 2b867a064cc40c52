/*
 * berth-proxy: a userland proxy for one published port, as Docker's docker-proxy.
 *
 * netavark publishes ports with IPv4 DNAT rules; a v4-only network has no IPv6 side, and the
 * kernel never forwards traffic from [::1] anyway, so `-p 8080:80` is also served on [::]:8080
 * by this process: it listens there (IPV6_V6ONLY, so 0.0.0.0 stays the kernel's) and relays
 * every connection (TCP) or datagram flow (UDP) to the container's IPv4 address. berthd starts
 * one per published port and protocol, records its PID with the container's network, and ends
 * it when the container leaves the network. It runs in a session of its own, so a published
 * port keeps answering while berthd is down.
 *
 * Usage: berth-proxy tcp|udp LISTEN_IP LISTEN_PORT TARGET_IPV4 TARGET_PORT
 * Once listening it writes "ok\n" to stdout and closes it; on failure "err MESSAGE\n" and exits 1.
 * TCP: one child process per connection (it dies with the proxy). UDP: one upstream socket per
 * client address, forgotten after 60 s without traffic (at most 1024 at once).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void fail(const char *what, int err) {
  printf("err %s: %s\n", what, strerror(err));
  exit(1);
}

static void ready(void) {
  printf("ok\n");
  fflush(stdout);
  int null = open("/dev/null", O_RDWR);
  if (null >= 0) {
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
    if (null > 2) close(null);
  }
}

/* Copies both ways until both sides have closed; half-closes are passed on. */
static void relay(int a, int b) {
  char buf[65536];
  int open_ab = 1, open_ba = 1;
  while (open_ab || open_ba) {
    struct pollfd p[2] = {{a, open_ab ? POLLIN : 0, 0}, {b, open_ba ? POLLIN : 0, 0}};
    if (poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    for (int i = 0; i < 2; i++) {
      int from = i ? b : a, to = i ? a : b;
      int *flag = i ? &open_ba : &open_ab;
      if (!*flag || !(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = read(from, buf, sizeof buf);
      if (n <= 0) {
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n < 0) return;
        *flag = 0;
        shutdown(to, SHUT_WR);
        continue;
      }
      for (ssize_t off = 0; off < n;) {
        ssize_t w = write(to, buf + off, (size_t)(n - off));
        if (w < 0) {
          if (errno == EINTR) continue;
          return;
        }
        off += w;
      }
    }
  }
}

static void serve_tcp(int l, const struct sockaddr_in *target) {
  signal(SIGCHLD, SIG_IGN);
  pid_t parent = getpid();
  for (;;) {
    int c = accept4(l, NULL, NULL, SOCK_CLOEXEC);
    if (c < 0) {
      if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) continue;
      exit(1);
    }
    pid_t pid = fork();
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGTERM);
      if (getppid() != parent) _exit(0);
      close(l);
      int u = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (u < 0 || connect(u, (const struct sockaddr *)target, sizeof *target) < 0) _exit(1);
      int one = 1;
      setsockopt(u, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      relay(c, u);
      _exit(0);
    }
    close(c);
  }
}

#define MAX_FLOWS 1024
#define FLOW_IDLE_SECONDS 60

struct flow {
  struct sockaddr_storage client;
  socklen_t len;
  int fd;
  time_t last;
};

static void serve_udp(int l, const struct sockaddr_in *target) {
  static struct flow flows[MAX_FLOWS];
  static struct pollfd fds[MAX_FLOWS + 1];
  static char buf[65536];
  int n = 0;
  for (;;) {
    fds[0] = (struct pollfd){l, POLLIN, 0};
    for (int i = 0; i < n; i++) fds[i + 1] = (struct pollfd){flows[i].fd, POLLIN, 0};
    if (poll(fds, (nfds_t)n + 1, 10000) < 0 && errno != EINTR) exit(1);
    time_t now = time(NULL);
    for (int i = 0; i < n; i++) {
      if (!(fds[i + 1].revents & POLLIN)) continue;
      ssize_t r = recv(flows[i].fd, buf, sizeof buf, MSG_DONTWAIT);
      if (r < 0) continue;
      sendto(l, buf, (size_t)r, 0, (struct sockaddr *)&flows[i].client, flows[i].len);
      flows[i].last = now;
    }
    if (fds[0].revents & POLLIN) {
      struct sockaddr_storage from;
      socklen_t len = sizeof from;
      ssize_t r = recvfrom(l, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from, &len);
      if (r >= 0) {
        int i = 0;
        while (i < n && !(flows[i].len == len && memcmp(&flows[i].client, &from, len) == 0)) i++;
        if (i == n && n < MAX_FLOWS) {
          int u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
          if (u >= 0 && connect(u, (const struct sockaddr *)target, sizeof *target) == 0) {
            flows[n] = (struct flow){from, len, u, now};
            n++;
          } else if (u >= 0) {
            close(u);
          }
        }
        if (i < n) {
          send(flows[i].fd, buf, (size_t)r, MSG_DONTWAIT);
          flows[i].last = now;
        }
      }
    }
    for (int i = 0; i < n;) {
      if (now - flows[i].last > FLOW_IDLE_SECONDS) {
        close(flows[i].fd);
        flows[i] = flows[--n];
      } else {
        i++;
      }
    }
  }
}

int main(int argc, char **argv) {
  if (argc != 6 || (strcmp(argv[1], "tcp") && strcmp(argv[1], "udp"))) {
    fprintf(stderr, "usage: berth-proxy tcp|udp LISTEN_IP LISTEN_PORT TARGET_IPV4 TARGET_PORT\n");
    return 2;
  }
  int tcp = strcmp(argv[1], "tcp") == 0;
  int lport = atoi(argv[3]), tport = atoi(argv[5]);
  if (lport <= 0 || lport > 65535 || tport <= 0 || tport > 65535) fail("bad port", EINVAL);
  struct sockaddr_in target = {.sin_family = AF_INET, .sin_port = htons((uint16_t)tport)};
  if (inet_pton(AF_INET, argv[4], &target.sin_addr) != 1) fail("bad target address", EINVAL);
  signal(SIGPIPE, SIG_IGN);

  struct sockaddr_storage addr = {0};
  socklen_t alen;
  int v6 = strchr(argv[2], ':') != NULL;
  if (v6) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&addr;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons((uint16_t)lport);
    if (inet_pton(AF_INET6, argv[2], &a->sin6_addr) != 1) fail("bad listen address", EINVAL);
    alen = sizeof *a;
  } else {
    struct sockaddr_in *a = (struct sockaddr_in *)&addr;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)lport);
    if (inet_pton(AF_INET, argv[2], &a->sin_addr) != 1) fail("bad listen address", EINVAL);
    alen = sizeof *a;
  }
  int l = socket(v6 ? AF_INET6 : AF_INET, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
  if (l < 0) fail("socket", errno);
  int one = 1;
  if (tcp) setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (v6) setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (bind(l, (struct sockaddr *)&addr, alen) < 0) fail("bind", errno);
  if (tcp && listen(l, 1024) < 0) fail("listen", errno);
  ready();
  if (tcp) serve_tcp(l, &target);
  else serve_udp(l, &target);
  return 0;
}
