/*
 * berth_native: the few system calls Node.js does not expose and berth needs on a hot path:
 * device nodes (overlay whiteouts, /dev entries in layers), extended attributes
 * (security.capability, trusted.overlay.opaque) and mount/umount for overlay roots; and
 * SHA-256 on libuv's thread pool, so hashing layers costs the event loop nothing.
 * Every function throws a JS Error with `code` set to the errno name on failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <node_api.h>
#include <poll.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/xattr.h>
#include <time.h>

#define CHECK(call)                                                                           \
  do {                                                                                        \
    if ((call) != napi_ok) {                                                                  \
      napi_throw_error(env, NULL, "berth_native: N-API call failed: " #call);                 \
      return NULL;                                                                            \
    }                                                                                         \
  } while (0)

static const char *errno_name(int e) {
  switch (e) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case EACCES: return "EACCES";
    case EINVAL: return "EINVAL";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EBUSY: return "EBUSY";
    case ENODATA: return "ENODATA";
    case ENOTSUP: return "ENOTSUP";
    case ERANGE: return "ERANGE";
    case ENOSPC: return "ENOSPC";
    case E2BIG: return "E2BIG";
    case ELOOP: return "ELOOP";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case EROFS: return "EROFS";
    case ENODEV: return "ENODEV";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EPROTO: return "EPROTO";
    case EAGAIN: return "EAGAIN";
    case EXDEV: return "EXDEV";
    case EBADF: return "EBADF";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case ENOSYS: return "ENOSYS";
    case ENXIO: return "ENXIO";
    default: return "EUNKNOWN";
  }
}

/*
 * A JS Error whose `code` is `code` (an errno name) and `errno` is -e, as Node's own system
 * errors; NULL when N-API fails.
 */
static napi_value make_error(napi_env env, const char *code, int e, const char *msg) {
  napi_value c, m, err, errnum;
  if (napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &c) != napi_ok ||
      napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &m) != napi_ok || napi_create_error(env, c, m, &err) != napi_ok)
    return NULL;
  if (napi_create_int32(env, -e, &errnum) == napi_ok) napi_set_named_property(env, err, "errno", errnum);
  return err;
}

/* Throws make_error's Error (a plain one when N-API cannot build it); returns NULL for the caller to return. */
static napi_value throw_error(napi_env env, const char *code, int e, const char *msg) {
  napi_value err = make_error(env, code, e, msg);
  if (err) napi_throw(env, err);
  else napi_throw_error(env, NULL, msg);
  return NULL;
}

/* Throws errno's error for `op` on `path`. */
static napi_value throw_errno(napi_env env, const char *op, const char *path) {
  int e = errno;
  char msg[4352];
  snprintf(msg, sizeof msg, "%s %s: %s", op, path ? path : "", strerror(e));
  return throw_error(env, errno_name(e), e, msg);
}

/* Copies a JS string argument into a malloc'd buffer (caller frees); NULL for null/undefined. */
static char *get_string(napi_env env, napi_value v, int *ok) {
  napi_valuetype t;
  *ok = 1;
  if (napi_typeof(env, v, &t) != napi_ok) { *ok = 0; return NULL; }
  if (t == napi_null || t == napi_undefined) return NULL;
  if (t != napi_string) { *ok = 0; napi_throw_type_error(env, NULL, "expected a string"); return NULL; }
  size_t len;
  napi_get_value_string_utf8(env, v, NULL, 0, &len);
  char *s = malloc(len + 1);
  if (!s) {
    *ok = 0;
    napi_throw_error(env, "ENOMEM", "berth_native: out of memory");
    return NULL;
  }
  napi_get_value_string_utf8(env, v, s, len + 1, &len);
  return s;
}

static int64_t get_int(napi_env env, napi_value v) {
  int64_t n = 0;
  napi_get_value_int64(env, v, &n);
  return n;
}

/* mknod(path, mode, major, minor) */
static napi_value js_mknod(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int ok;
  char *path = get_string(env, argv[0], &ok);
  if (!ok || !path) { free(path); return NULL; }
  mode_t mode = (mode_t)get_int(env, argv[1]);
  dev_t dev = makedev((unsigned)get_int(env, argv[2]), (unsigned)get_int(env, argv[3]));
  napi_value r = NULL;
  if (mknod(path, mode, dev) != 0) r = throw_errno(env, "mknod", path);
  free(path);
  return r;
}

/* lsetxattr(path, name, buffer) */
static napi_value js_lsetxattr(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int ok1, ok2;
  char *path = get_string(env, argv[0], &ok1);
  char *name = get_string(env, argv[1], &ok2);
  void *data = NULL;
  size_t len = 0;
  napi_value r = NULL;
  if (!ok1 || !ok2 || !path || !name || napi_get_buffer_info(env, argv[2], &data, &len) != napi_ok) {
    if (ok1 && ok2) napi_throw_type_error(env, NULL, "lsetxattr(path, name, buffer)");
  } else if (lsetxattr(path, name, data, len, 0) != 0) {
    r = throw_errno(env, "lsetxattr", path);
  }
  free(path);
  free(name);
  return r;
}

/* lgetxattr(path, name) -> Buffer | null when the attribute is absent */
static napi_value js_lgetxattr(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int ok1, ok2;
  char *path = get_string(env, argv[0], &ok1);
  char *name = get_string(env, argv[1], &ok2);
  napi_value r = NULL;
  if (ok1 && ok2 && path && name) {
    ssize_t n = lgetxattr(path, name, NULL, 0);
    if (n < 0) {
      if (errno == ENODATA || errno == ENOTSUP) napi_get_null(env, &r);
      else r = throw_errno(env, "lgetxattr", path);
    } else {
      void *buf = malloc(n > 0 ? (size_t)n : 1);
      ssize_t m = buf ? lgetxattr(path, name, buf, (size_t)n) : (errno = ENOMEM, -1);
      if (m < 0) r = throw_errno(env, "lgetxattr", path);
      else napi_create_buffer_copy(env, (size_t)m, buf, NULL, &r);
      free(buf);
    }
  }
  free(path);
  free(name);
  return r;
}

/* llistxattr(path) -> string[] */
static napi_value js_llistxattr(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int ok;
  char *path = get_string(env, argv[0], &ok);
  if (!ok || !path) { free(path); return NULL; }
  napi_value arr = NULL;
  ssize_t n = llistxattr(path, NULL, 0);
  if (n < 0) {
    if (errno == ENOTSUP) napi_create_array(env, &arr);
    else arr = throw_errno(env, "llistxattr", path);
  } else {
    char *buf = malloc(n > 0 ? (size_t)n : 1);
    ssize_t m = buf ? llistxattr(path, buf, (size_t)n) : (errno = ENOMEM, -1);
    if (m < 0) {
      arr = throw_errno(env, "llistxattr", path);
    } else {
      napi_create_array(env, &arr);
      uint32_t i = 0;
      for (ssize_t off = 0; off < m;) {
        size_t l = strlen(buf + off);
        napi_value s;
        napi_create_string_utf8(env, buf + off, l, &s);
        napi_set_element(env, arr, i++, s);
        off += (ssize_t)l + 1;
      }
    }
    free(buf);
  }
  free(path);
  return arr;
}

/* mount(source, target, fstype, flags, data) */
static napi_value js_mount(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int ok[4];
  char *source = get_string(env, argv[0], &ok[0]);
  char *target = get_string(env, argv[1], &ok[1]);
  char *fstype = get_string(env, argv[2], &ok[2]);
  unsigned long flags = (unsigned long)get_int(env, argv[3]);
  char *data = argc > 4 ? get_string(env, argv[4], &ok[3]) : (ok[3] = 1, NULL);
  napi_value r = NULL;
  if (ok[0] && ok[1] && ok[2] && ok[3] && target) {
    if (mount(source, target, fstype, flags, data) != 0) r = throw_errno(env, "mount", target);
  }
  free(source);
  free(target);
  free(fstype);
  free(data);
  return r;
}

/* umount2(target, flags) */
static napi_value js_umount2(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int ok;
  char *target = get_string(env, argv[0], &ok);
  if (!ok || !target) { free(target); return NULL; }
  napi_value r = NULL;
  if (umount2(target, (int)get_int(env, argv[1])) != 0) r = throw_errno(env, "umount2", target);
  free(target);
  return r;
}

/* ---- overlay mounts through the new mount API (fsopen/fsconfig/fsmount/move_mount) ---- */

/* Appends the fs_context log (the kernel's own words on why a parameter failed) to msg. */
static void overlay_read_log(int fsfd, char *msg, size_t cap) {
  char line[512];
  for (int i = 0; i < 8; i++) {
    ssize_t n = read(fsfd, line, sizeof line - 1);
    if (n <= 0) break;
    line[n] = '\0';
    size_t used = strlen(msg);
    if (used + 3 >= cap) break;
    snprintf(msg + used, cap - used, "; %s", line);
  }
}

static napi_value overlay_throw(napi_env env, int fsfd, const char *code, int e, const char *what) {
  char msg[2048];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(e));
  if (fsfd >= 0) overlay_read_log(fsfd, msg, sizeof msg);
  return throw_error(env, code, e, msg);
}

/* Sets one string parameter; 0 on success. */
static int overlay_set(int fsfd, const char *key, const char *value) {
  return fsconfig(fsfd, FSCONFIG_SET_STRING, key, value, 0);
}

/*
 * overlayMount(target, lowers: string[] (top-most first), upper: string|null,
 *              work: string|null, flags: string[] ("index=off", …))
 * Mounts an overlay with one `lowerdir+` parameter per layer, so the stack depth is bounded
 * by the kernel's limit (500), not by the one page of mount(2) data. Relative paths resolve
 * against the cwd at the time of the call. Throws code "ENOSYS" when the kernel lacks the
 * new mount API or `lowerdir+` (before 6.8), so the caller can fall back to mount(2).
 */
static napi_value js_overlay_mount(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 5) {
    napi_throw_type_error(env, NULL, "overlayMount(target, lowers, upper, work, flags)");
    return NULL;
  }
  int ok[3];
  char *target = get_string(env, argv[0], &ok[0]);
  char *upper = get_string(env, argv[2], &ok[1]);
  char *work = get_string(env, argv[3], &ok[2]);
  napi_value r = NULL;
  int fsfd = -1, mfd = -1;
  uint32_t nlowers = 0, nflags = 0;
  bool is_arr1 = false, is_arr2 = false;
  napi_is_array(env, argv[1], &is_arr1);
  napi_is_array(env, argv[4], &is_arr2);
  if (!ok[0] || !ok[1] || !ok[2] || !target || !is_arr1 || !is_arr2) {
    if (ok[0] && ok[1] && ok[2]) napi_throw_type_error(env, NULL, "overlayMount(target, lowers, upper, work, flags)");
    goto out;
  }
  napi_get_array_length(env, argv[1], &nlowers);
  napi_get_array_length(env, argv[4], &nflags);
  fsfd = fsopen("overlay", FSOPEN_CLOEXEC);
  if (fsfd < 0) {
    int e = errno;
    if (e == ENOSYS || e == ENODEV) r = overlay_throw(env, -1, "ENOSYS", e, "fsopen overlay");
    else r = overlay_throw(env, -1, errno_name(e), e, "fsopen overlay");
    goto out;
  }
  for (uint32_t i = 0; i < nlowers; i++) {
    napi_value v;
    int k;
    napi_get_element(env, argv[1], i, &v);
    char *dir = get_string(env, v, &k);
    if (!k || !dir) { free(dir); goto out; }
    int rc = overlay_set(fsfd, "lowerdir+", dir);
    int e = errno;
    if (rc != 0) {
      char what[600];
      snprintf(what, sizeof what, "overlay lowerdir+ %s (layer %u of %u)", dir, i + 1, nlowers);
      free(dir);
      /* A kernel before 6.8 does not know "lowerdir+" at all. */
      r = overlay_throw(env, fsfd, (i == 0 && e == EINVAL) ? "ENOSYS" : errno_name(e), e, what);
      goto out;
    }
    free(dir);
  }
  if (upper && overlay_set(fsfd, "upperdir", upper) != 0) {
    r = overlay_throw(env, fsfd, errno_name(errno), errno, "overlay upperdir");
    goto out;
  }
  if (work && overlay_set(fsfd, "workdir", work) != 0) {
    r = overlay_throw(env, fsfd, errno_name(errno), errno, "overlay workdir");
    goto out;
  }
  for (uint32_t i = 0; i < nflags; i++) {
    napi_value v;
    int k;
    napi_get_element(env, argv[4], i, &v);
    char *opt = get_string(env, v, &k);
    if (!k || !opt) { free(opt); goto out; }
    char *eq = strchr(opt, '=');
    int rc;
    if (eq) {
      *eq = '\0';
      rc = overlay_set(fsfd, opt, eq + 1);
    } else {
      rc = fsconfig(fsfd, FSCONFIG_SET_FLAG, opt, NULL, 0);
    }
    int e = errno;
    if (rc != 0) {
      char what[300];
      snprintf(what, sizeof what, "overlay option %s", opt);
      free(opt);
      r = overlay_throw(env, fsfd, errno_name(e), e, what);
      goto out;
    }
    free(opt);
  }
  if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) != 0) {
    r = overlay_throw(env, fsfd, errno_name(errno), errno, "creating the overlay");
    goto out;
  }
  mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, 0);
  if (mfd < 0) {
    r = overlay_throw(env, fsfd, errno_name(errno), errno, "fsmount overlay");
    goto out;
  }
  if (move_mount(mfd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) != 0) {
    r = overlay_throw(env, -1, errno_name(errno), errno, "move_mount overlay");
    goto out;
  }
out:
  if (mfd >= 0) close(mfd);
  if (fsfd >= 0) close(fsfd);
  free(target);
  free(upper);
  free(work);
  return r;
}

/* ---- end of overlay mounts through the new mount API ---- */

/* Waits until fd is readable, at most until `deadline` (CLOCK_MONOTONIC ms); 0 when it is. */
static int wait_readable(int fd, int64_t deadline) {
  for (;;) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t left = deadline - ((int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000);
    if (left <= 0) {
      errno = ETIMEDOUT;
      return -1;
    }
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int r = poll(&p, 1, left > INT32_MAX ? INT32_MAX : (int)left);
    if (r > 0) return 0;
    if (r < 0 && errno != EINTR) return -1;
  }
}

#define RECV_MAX_FDS 8

/* One recvCommand call. The message is read on a worker thread; the rest runs on the JS thread. */
struct recv_job {
  napi_async_work work;
  napi_deferred deferred;
  int sock;       /* a duplicate of the caller's socket, closed when the job ends */
  int timeout_ms; /* for the whole message */
  int fds[RECV_MAX_FDS];
  int nfds;
  char *data;
  size_t len;
  int err; /* errno of the failure; 0 when the message arrived */
};

/* Keeps the descriptors that came with msg (up to RECV_MAX_FDS; any more are closed). */
static void recv_keep_fds(struct recv_job *j, struct msghdr *msg) {
  for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < k; i++) {
      int got;
      memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof got);
      if (j->nfds < RECV_MAX_FDS) j->fds[j->nfds++] = got;
      else close(got);
    }
  }
}

/* Worker thread: reads the header (with the descriptors), then the body. Sets j->err on failure. */
static void recv_execute(napi_env env, void *arg) {
  (void)env;
  struct recv_job *j = arg;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  int64_t deadline = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000 + j->timeout_ms;
  unsigned char head[4];
  size_t have = 0;
  while (have < sizeof head) {
    if (wait_readable(j->sock, deadline) != 0) goto fail;
    union {
      char buf[CMSG_SPACE(RECV_MAX_FDS * sizeof(int))];
      struct cmsghdr align;
    } control;
    struct iovec iov = {.iov_base = head + have, .iov_len = sizeof head - have};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf};
    ssize_t n = recvmsg(j->sock, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
    if (n > 0) recv_keep_fds(j, &msg);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) {
      if (n == 0) errno = EPROTO;
      goto fail;
    }
    have += (size_t)n;
  }
  j->len = ((size_t)head[0] << 24) | ((size_t)head[1] << 16) | ((size_t)head[2] << 8) | head[3];
  if (j->len > (64u << 20)) {
    errno = EPROTO;
    goto fail;
  }
  j->data = malloc(j->len ? j->len : 1);
  if (!j->data) goto fail;
  have = 0;
  while (have < j->len) {
    if (wait_readable(j->sock, deadline) != 0) goto fail;
    ssize_t n = recv(j->sock, j->data + have, j->len - have, MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) {
      if (n == 0) errno = EPROTO;
      goto fail;
    }
    have += (size_t)n;
  }
  j->err = 0;
  return;
fail:
  j->err = errno ? errno : EIO;
}

/* A JS Error like throw_errno's, returned instead of thrown. */
static napi_value errno_error(napi_env env, int e, const char *op) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", op, strerror(e));
  return make_error(env, errno_name(e), e, msg);
}

/* The resolved value { fds, data }; NULL when N-API fails. */
static napi_value recv_result(napi_env env, struct recv_job *j) {
  napi_value obj, arr, buf, v;
  void *copy;
  if (napi_create_object(env, &obj) != napi_ok || napi_create_array_with_length(env, (size_t)j->nfds, &arr) != napi_ok) return NULL;
  for (int i = 0; i < j->nfds; i++)
    if (napi_create_int32(env, j->fds[i], &v) != napi_ok || napi_set_element(env, arr, (uint32_t)i, v) != napi_ok) return NULL;
  if (napi_create_buffer_copy(env, j->len, j->data ? j->data : "", &copy, &buf) != napi_ok) return NULL;
  if (napi_set_named_property(env, obj, "fds", arr) != napi_ok || napi_set_named_property(env, obj, "data", buf) != napi_ok) return NULL;
  return obj;
}

/* JS thread: settles the promise. The descriptors belong to JS only once it is resolved. */
static void recv_complete(napi_env env, napi_status status, void *arg) {
  struct recv_job *j = arg;
  if (status != napi_ok && j->err == 0) j->err = ECANCELED;
  napi_value result = j->err == 0 ? recv_result(env, j) : NULL;
  if (result && napi_resolve_deferred(env, j->deferred, result) == napi_ok) {
    j->nfds = 0;
  } else {
    bool pending = false;
    napi_value err = NULL;
    if (napi_is_exception_pending(env, &pending) == napi_ok && pending) napi_get_and_clear_last_exception(env, &err);
    if (!err) err = errno_error(env, j->err ? j->err : EPROTO, "recvmsg");
    if (!err) napi_get_undefined(env, &err);
    napi_reject_deferred(env, j->deferred, err);
  }
  for (int i = 0; i < j->nfds; i++) close(j->fds[i]);
  free(j->data);
  close(j->sock);
  napi_delete_async_work(env, j->work);
  free(j);
}

/*
 * recvCommand(fd, timeoutMs) -> Promise<{ fds: number[], data: Buffer }>
 * Reads one length-prefixed message (u32 big-endian length, then the bytes) from a connected
 * unix stream socket, with the file descriptors sent alongside it (SCM_RIGHTS, close-on-exec).
 * The reading runs on a worker thread, on a duplicate of fd, so a peer that sends slowly or not
 * at all never blocks the event loop; timeoutMs bounds the whole message. On failure no
 * received descriptor stays open.
 */
static napi_value js_recv_command(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int fd = (int)get_int(env, argv[0]);
  int timeout = argc > 1 ? (int)get_int(env, argv[1]) : 2000;
  struct recv_job *j = calloc(1, sizeof *j);
  if (!j) {
    errno = ENOMEM;
    return throw_errno(env, "recvCommand", NULL);
  }
  j->timeout_ms = timeout > 0 ? timeout : 0;
  j->sock = fcntl(fd, F_DUPFD_CLOEXEC, 3);
  if (j->sock < 0) {
    free(j);
    return throw_errno(env, "recvCommand: dup", NULL);
  }
  napi_value promise, name;
  if (napi_create_promise(env, &j->deferred, &promise) != napi_ok) {
    close(j->sock);
    free(j);
    napi_throw_error(env, NULL, "berth_native: cannot create a promise");
    return NULL;
  }
  if (napi_create_string_utf8(env, "berth:recvCommand", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_async_work(env, NULL, name, recv_execute, recv_complete, j, &j->work) != napi_ok) {
    j->work = NULL;
  } else if (napi_queue_async_work(env, j->work) != napi_ok) {
    napi_delete_async_work(env, j->work);
    j->work = NULL;
  }
  if (!j->work) {
    napi_value err = errno_error(env, EAGAIN, "recvCommand: cannot queue the work");
    napi_reject_deferred(env, j->deferred, err);
    close(j->sock);
    free(j);
  }
  return promise;
}

/* ---- in-root path resolution (openat2) -------------------------------------------------------
 * openat2(dirfd, path, flags, mode, resolve) -> fd
 * Opens `path` relative to the directory `dirfd` with openat2(2)'s RESOLVE_* flags, so a path
 * inside a container's root is resolved as the container sees it (RESOLVE_IN_ROOT) by the
 * kernel, atomically, instead of name by name from user space. A concurrent rename inside the
 * root makes the kernel answer EAGAIN; that is retried here a bounded number of times.
 */
#include <linux/openat2.h>
#include <sys/syscall.h>

static napi_value inroot_throw(napi_env env, int e, const char *path) {
  char msg[4352];
  snprintf(msg, sizeof msg, "openat2 %s: %s", path ? path : "", strerror(e));
  return throw_error(env, errno_name(e), e, msg);
}

static napi_value js_openat2(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 5) {
    napi_throw_type_error(env, NULL, "openat2(dirfd, path, flags, mode, resolve)");
    return NULL;
  }
  int ok;
  char *path = get_string(env, argv[1], &ok);
  if (!ok || !path) {
    if (ok) napi_throw_type_error(env, NULL, "openat2: path must be a string");
    free(path);
    return NULL;
  }
  struct open_how how;
  memset(&how, 0, sizeof how);
  how.flags = (uint64_t)get_int(env, argv[2]);
  how.mode = (uint64_t)get_int(env, argv[3]);
  how.resolve = (uint64_t)get_int(env, argv[4]);
  int dirfd = (int)get_int(env, argv[0]);
  long fd = -1;
  for (int attempt = 0; attempt < 64; attempt++) {
    fd = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
    if (fd >= 0 || (errno != EAGAIN && errno != EINTR)) break;
  }
  napi_value r = NULL;
  if (fd < 0) {
    r = inroot_throw(env, errno, path);
  } else if (napi_create_int32(env, (int32_t)fd, &r) != napi_ok) {
    close((int)fd);
    napi_throw_error(env, NULL, "berth_native: openat2: cannot return the descriptor");
    r = NULL;
  }
  free(path);
  return r;
}
/* ---- end of in-root path resolution ---------------------------------------------------------- */

/* ---- flock: the data-root lock (berthd holds it for its whole life) -------------------- */
#include <sys/file.h>

/*
 * flock(fd, operation) -> true once the lock is held, false when LOCK_NB was given and another
 * open file description holds a conflicting lock. The lock goes with the descriptor: it ends
 * when the process exits, however it exits, so a stale pid never blocks a later daemon.
 */
static napi_value js_flock(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) {
    napi_throw_type_error(env, NULL, "flock(fd, operation)");
    return NULL;
  }
  int fd = (int)get_int(env, argv[0]);
  int op = (int)get_int(env, argv[1]);
  int rc;
  do {
    rc = flock(fd, op);
  } while (rc != 0 && errno == EINTR);
  napi_value r;
  if (rc != 0) {
    if (errno == EWOULDBLOCK) {
      CHECK(napi_get_boolean(env, false, &r));
      return r;
    }
    return throw_errno(env, "flock", "");
  }
  CHECK(napi_get_boolean(env, true, &r));
  return r;
}
/* ---- end flock ---------------------------------------------------------------------------- */

/* ---- SHA-256 off the event loop ---------------------------------------------------------------
 * sha256New() -> handle; sha256Update(handle, buffers[]) -> Promise<void>; sha256Digest(handle)
 * -> "hex". Updates hash their buffers, in order, on libuv's thread pool with the OpenSSL that
 * Node.js itself carries (its EVP symbols), so hashing a layer costs the event loop nothing.
 * The caller keeps at most one update in flight per handle and digests once, after the last.
 */
#include <openssl/evp.h>

struct sha_job {
  napi_async_work work;
  napi_deferred deferred;
  napi_ref bufs_ref; /* the array of buffers, alive until hashed */
  napi_ref ctx_ref;  /* the handle, alive until hashed */
  EVP_MD_CTX *ctx;
  size_t n;
  const unsigned char **ptrs;
  size_t *lens;
  int ok;
};

static void sha_ctx_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  EVP_MD_CTX_free((EVP_MD_CTX *)data);
}

static napi_value js_sha256_new(napi_env env, napi_callback_info info) {
  (void)info;
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
    EVP_MD_CTX_free(ctx);
    napi_throw_error(env, NULL, "berth_native: sha256: cannot initialize");
    return NULL;
  }
  napi_value ext;
  if (napi_create_external(env, ctx, sha_ctx_finalize, NULL, &ext) != napi_ok) {
    EVP_MD_CTX_free(ctx);
    napi_throw_error(env, NULL, "berth_native: sha256: cannot create the handle");
    return NULL;
  }
  return ext;
}

static void sha_execute(napi_env env, void *data) {
  (void)env;
  struct sha_job *j = data;
  j->ok = 1;
  for (size_t i = 0; i < j->n && j->ok; i++)
    if (j->lens[i] > 0 && EVP_DigestUpdate(j->ctx, j->ptrs[i], j->lens[i]) != 1) j->ok = 0;
}

static void sha_job_free(napi_env env, struct sha_job *j) {
  if (j->bufs_ref) napi_delete_reference(env, j->bufs_ref);
  if (j->ctx_ref) napi_delete_reference(env, j->ctx_ref);
  if (j->work) napi_delete_async_work(env, j->work);
  free(j->ptrs);
  free(j->lens);
  free(j);
}

static void sha_complete(napi_env env, napi_status status, void *data) {
  struct sha_job *j = data;
  napi_value v;
  if (status == napi_ok && j->ok) {
    napi_get_undefined(env, &v);
    napi_resolve_deferred(env, j->deferred, v);
  } else {
    napi_value msg;
    napi_create_string_utf8(env, "sha256: update failed", NAPI_AUTO_LENGTH, &msg);
    napi_create_error(env, NULL, msg, &v);
    napi_reject_deferred(env, j->deferred, v);
  }
  sha_job_free(env, j);
}

static napi_value js_sha256_update(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  void *ctx = NULL;
  uint32_t n = 0;
  bool is_array = false;
  if (argc < 2 || napi_get_value_external(env, argv[0], &ctx) != napi_ok || napi_is_array(env, argv[1], &is_array) != napi_ok ||
      !is_array || napi_get_array_length(env, argv[1], &n) != napi_ok) {
    napi_throw_type_error(env, NULL, "sha256Update(handle, buffers)");
    return NULL;
  }
  struct sha_job *j = calloc(1, sizeof *j);
  if (j) {
    j->ptrs = calloc(n ? n : 1, sizeof *j->ptrs);
    j->lens = calloc(n ? n : 1, sizeof *j->lens);
  }
  if (!j || !j->ptrs || !j->lens) {
    if (j) sha_job_free(env, j);
    napi_throw_error(env, NULL, "berth_native: sha256Update: out of memory");
    return NULL;
  }
  j->ctx = ctx;
  j->n = n;
  for (uint32_t i = 0; i < n; i++) {
    napi_value el;
    void *p = NULL;
    size_t len = 0;
    bool is_buf = false;
    if (napi_get_element(env, argv[1], i, &el) != napi_ok || napi_is_buffer(env, el, &is_buf) != napi_ok || !is_buf ||
        napi_get_buffer_info(env, el, &p, &len) != napi_ok) {
      sha_job_free(env, j);
      napi_throw_type_error(env, NULL, "sha256Update: every element must be a Buffer");
      return NULL;
    }
    j->ptrs[i] = p;
    j->lens[i] = len;
  }
  napi_value promise, name;
  if (napi_create_reference(env, argv[1], 1, &j->bufs_ref) != napi_ok || napi_create_reference(env, argv[0], 1, &j->ctx_ref) != napi_ok ||
      napi_create_promise(env, &j->deferred, &promise) != napi_ok ||
      napi_create_string_utf8(env, "berth:sha256Update", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_async_work(env, NULL, name, sha_execute, sha_complete, j, &j->work) != napi_ok) {
    sha_job_free(env, j);
    napi_throw_error(env, NULL, "berth_native: sha256Update: cannot start the work");
    return NULL;
  }
  if (napi_queue_async_work(env, j->work) != napi_ok) {
    napi_value err = errno_error(env, EAGAIN, "sha256Update: cannot queue the work");
    napi_reject_deferred(env, j->deferred, err);
    sha_job_free(env, j);
  }
  return promise;
}

static napi_value js_sha256_digest(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  void *ctx = NULL;
  if (argc < 1 || napi_get_value_external(env, argv[0], &ctx) != napi_ok) {
    napi_throw_type_error(env, NULL, "sha256Digest(handle)");
    return NULL;
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx, md, &len) != 1) {
    napi_throw_error(env, NULL, "berth_native: sha256Digest: failed");
    return NULL;
  }
  static const char hexd[] = "0123456789abcdef";
  char hex[2 * EVP_MAX_MD_SIZE + 1];
  for (unsigned int i = 0; i < len; i++) {
    hex[2 * i] = hexd[md[i] >> 4];
    hex[2 * i + 1] = hexd[md[i] & 15];
  }
  napi_value r;
  CHECK(napi_create_string_latin1(env, hex, 2 * len, &r));
  return r;
}
/* ---- end SHA-256 ------------------------------------------------------------------------------ */

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"mknod", NULL, js_mknod, NULL, NULL, NULL, napi_enumerable, NULL},
      {"lsetxattr", NULL, js_lsetxattr, NULL, NULL, NULL, napi_enumerable, NULL},
      {"lgetxattr", NULL, js_lgetxattr, NULL, NULL, NULL, napi_enumerable, NULL},
      {"llistxattr", NULL, js_llistxattr, NULL, NULL, NULL, napi_enumerable, NULL},
      {"mount", NULL, js_mount, NULL, NULL, NULL, napi_enumerable, NULL},
      {"umount2", NULL, js_umount2, NULL, NULL, NULL, napi_enumerable, NULL},
      {"recvCommand", NULL, js_recv_command, NULL, NULL, NULL, napi_enumerable, NULL},
      {"overlayMount", NULL, js_overlay_mount, NULL, NULL, NULL, napi_enumerable, NULL},
      {"openat2", NULL, js_openat2, NULL, NULL, NULL, napi_enumerable, NULL},
      {"flock", NULL, js_flock, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sha256New", NULL, js_sha256_new, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sha256Update", NULL, js_sha256_update, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sha256Digest", NULL, js_sha256_digest, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
