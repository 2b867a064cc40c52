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
  unsigned char head[4]; /* the length prefix, u32 big-endian */
  size_t head_have;
  char *data;
  size_t len;
  size_t have; /* bytes of data read */
  int err;     /* errno of the failure; 0 when the message arrived */
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

/*
 * Reads what it can of the message: the header (with the descriptors), then the body. With
 * deadline < 0 it never waits: 1 when the rest has not arrived yet. 0 once the whole message
 * is in; -1 on failure (errno set). Resumable: the job keeps how far it got.
 */
static int recv_step(struct recv_job *j, int64_t deadline) {
  while (j->head_have < sizeof j->head) {
    union {
      char buf[CMSG_SPACE(RECV_MAX_FDS * sizeof(int))];
      struct cmsghdr align;
    } control;
    struct iovec iov = {.iov_base = j->head + j->head_have, .iov_len = sizeof j->head - j->head_have};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf};
    ssize_t n = recvmsg(j->sock, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
    if (n > 0) recv_keep_fds(j, &msg);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      if (deadline < 0) return 1;
      if (wait_readable(j->sock, deadline) != 0) return -1;
      continue;
    }
    if (n <= 0) {
      if (n == 0) errno = EPROTO;
      return -1;
    }
    j->head_have += (size_t)n;
    if (j->head_have == sizeof j->head) {
      j->len = ((size_t)j->head[0] << 24) | ((size_t)j->head[1] << 16) | ((size_t)j->head[2] << 8) | j->head[3];
      if (j->len > (64u << 20)) {
        errno = EPROTO;
        return -1;
      }
      j->data = malloc(j->len ? j->len : 1);
      if (!j->data) return -1;
    }
  }
  while (j->have < j->len) {
    ssize_t n = recv(j->sock, j->data + j->have, j->len - j->have, MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      if (deadline < 0) return 1;
      if (wait_readable(j->sock, deadline) != 0) return -1;
      continue;
    }
    if (n <= 0) {
      if (n == 0) errno = EPROTO;
      return -1;
    }
    j->have += (size_t)n;
  }
  return 0;
}

/* Worker thread: reads the rest of the message within the timeout. Sets j->err on failure. */
static void recv_execute(napi_env env, void *arg) {
  (void)env;
  struct recv_job *j = arg;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  int64_t deadline = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000 + j->timeout_ms;
  j->err = recv_step(j, deadline) == 0 ? 0 : errno ? errno : EIO;
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

/* JS thread: settles the promise and frees the job. The descriptors belong to JS only once it is resolved. */
static void recv_settle(napi_env env, struct recv_job *j) {
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
  if (j->work) napi_delete_async_work(env, j->work);
  free(j);
}

static void recv_complete(napi_env env, napi_status status, void *arg) {
  struct recv_job *j = arg;
  if (status != napi_ok && j->err == 0) j->err = ECANCELED;
  recv_settle(env, j);
}

/*
 * recvCommand(fd, timeoutMs) -> Promise<{ fds: number[], data: Buffer }>
 * Reads one length-prefixed message (u32 big-endian length, then the bytes) from a connected
 * unix stream socket, with the file descriptors sent alongside it (SCM_RIGHTS, close-on-exec).
 * What has arrived is read at once; the rest on a worker thread, on a duplicate of fd, so a peer
 * that sends slowly or not at all never blocks the event loop; timeoutMs bounds the whole message. On failure no
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
  /* The launcher sends its message right after connecting: it is usually all there already, and
     read here it costs no trip to a worker thread and back. */
  int step = recv_step(j, -1);
  if (step <= 0) {
    j->err = step == 0 ? 0 : errno ? errno : EIO;
    recv_settle(env, j);
    return promise;
  }
  if (napi_create_string_utf8(env, "berth:recvCommand", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_async_work(env, NULL, name, recv_execute, recv_complete, j, &j->work) != napi_ok) {
    j->work = NULL;
  } else if (napi_queue_async_work(env, j->work) != napi_ok) {
    napi_delete_async_work(env, j->work);
    j->work = NULL;
  }
  if (!j->work) {
    j->err = EAGAIN;
    recv_settle(env, j);
  }
  return promise;
}

/* ---- flushing to disk off the event loop -------------------------------------------------------
 * flushFd(fd, whole) -> Promise<void>, on libuv's thread pool. whole: syncfs(2), everything
 * written to the file system that holds fd, durable when it resolves. Otherwise
 * sync_file_range(2) with SYNC_FILE_RANGE_WRITE: starts the writeback of fd's dirty pages and
 * returns without waiting for it (no durability), so that a later syncfs has little left to do.
 */
struct flush_job {
  napi_async_work work;
  napi_deferred deferred;
  int fd;
  bool whole;
  int err;
};

static void flush_execute(napi_env env, void *data) {
  (void)env;
  struct flush_job *j = data;
  int r = j->whole ? syncfs(j->fd) : sync_file_range(j->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
  j->err = r == 0 ? 0 : errno;
}

static void flush_complete(napi_env env, napi_status status, void *data) {
  struct flush_job *j = data;
  napi_value v;
  if (status == napi_ok && j->err == 0) {
    napi_get_undefined(env, &v);
    napi_resolve_deferred(env, j->deferred, v);
  } else {
    napi_reject_deferred(env, j->deferred, errno_error(env, j->err ? j->err : EIO, j->whole ? "syncfs" : "sync_file_range"));
  }
  napi_delete_async_work(env, j->work);
  free(j);
}

static napi_value js_flush_fd(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], promise, name;
  int32_t fd = -1;
  bool whole = false;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || napi_get_value_bool(env, argv[1], &whole) != napi_ok) {
    napi_throw_type_error(env, NULL, "flushFd(fd, whole)");
    return NULL;
  }
  struct flush_job *j = calloc(1, sizeof *j);
  if (!j) {
    napi_throw_error(env, NULL, "berth_native: flushFd: out of memory");
    return NULL;
  }
  j->fd = fd;
  j->whole = whole;
  if (napi_create_promise(env, &j->deferred, &promise) != napi_ok || napi_create_string_utf8(env, "berth:flushFd", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_async_work(env, NULL, name, flush_execute, flush_complete, j, &j->work) != napi_ok) {
    free(j);
    napi_throw_error(env, NULL, "berth_native: flushFd: cannot start the work");
    return NULL;
  }
  if (napi_queue_async_work(env, j->work) != napi_ok) {
    napi_reject_deferred(env, j->deferred, errno_error(env, EAGAIN, "flushFd: cannot queue the work"));
    napi_delete_async_work(env, j->work);
    free(j);
  }
  return promise;
}

/* ---- helper threads' scheduling ----------------------------------------------------------------
 * batchHelperThreads() -> number: puts every thread of this process but the calling one under
 * SCHED_BATCH (same nice value and CPU share, but a thread woken does not preempt the one
 * running): handing a job to libuv's thread pool then no longer costs the event loop its CPU
 * to the worker it woke. Returns how many threads it changed. Threads made later (and
 * processes forked by the calling thread) keep the policy of the thread that makes them.
 */
#include <dirent.h>
#include <sched.h>
#include <sys/syscall.h>

static napi_value js_batch_helper_threads(napi_env env, napi_callback_info info) {
  (void)info;
  pid_t self = (pid_t)syscall(SYS_gettid);
  DIR *d = opendir("/proc/self/task");
  if (!d) return throw_error(env, errno_name(errno), errno, "opendir /proc/self/task");
  int changed = 0;
  struct dirent *e;
  struct sched_param param = {0};
  while ((e = readdir(d)) != NULL) {
    char *end = NULL;
    long tid = strtol(e->d_name, &end, 10);
    if (e->d_name[0] == '.' || !end || *end || tid <= 0 || (pid_t)tid == self) continue;
    if (sched_setscheduler((pid_t)tid, SCHED_BATCH, &param) == 0) changed++;
  }
  closedir(d);
  napi_value r;
  CHECK(napi_create_int32(env, changed, &r));
  return r;
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

/* ---- gzip chunks off the event loop ----------------------------------------------------------
 * gzipChunk(pieces, prev, level, last, table, shortTable) -> Promise<[Buffer, crc32]>: one chunk
 * of util/parallel-gzip, done on libuv's thread pool with the zlib Node.js itself carries (its
 * exported symbols, the library behind node:zlib), so the bytes are the ones node:zlib gives.
 * The chunk (the concatenation of `pieces`) is judged in 64 KiB segments: a segment whose
 * sampled byte entropy is above 7.9 bits is stored, runs of the other kind are deflated raw
 * with the 32 KiB of input before them as dictionary (`prev`'s pieces, the previous chunk,
 * come before this one), flushed with Z_SYNC_FLUSH, or Z_FINISH for the last run when `last`.
 * The entropy is summed from `table` (entry c: p·log2(p) for p = c/4096, as JavaScript computed
 * it), in the order JavaScript sums it, so the decision is the same bit for bit; `shortTable`
 * does the same for a last segment shorter than 64 KiB. deflate is called as node:zlib calls
 * it: all input with Z_NO_FLUSH, then no input with the flush, into 16 KiB output windows.
 * crc32 is the CRC-32 of the chunk alone (join them with crc32Combine).
 */
#include <pthread.h>
#include <zlib.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#define GZ_WINDOW (32 << 10)
#define GZ_SEGMENT (64 << 10)
#define GZ_STORED_MAX 65535
#define GZ_OUT_WINDOW (16 << 10)
#define GZ_STORE_ENTROPY 7.9

struct gz_job {
  napi_async_work work;
  napi_deferred deferred;
  napi_ref pieces_ref, prev_ref, table_ref, short_ref; /* alive until the job is done */
  size_t n, n_prev;
  const unsigned char **ptrs, **prev_ptrs;
  size_t *lens, *prev_lens;
  const double *table, *short_table;
  size_t short_n; /* entries in short_table */
  int level;
  bool last;
  /* results */
  unsigned char *out;
  size_t out_len, out_cap;
  uint32_t crc;
  const char *error;
};

#if defined(__x86_64__)
/*
 * CRC-32 (gzip's, bit-reflected) of p[0..len) by folding with carry-less multiplication
 * (PCLMULQDQ): four 128-bit lanes folded 64 bytes at a time, then into one, then reduced to
 * 32 bits (Barrett). The constants are x^k mod P(x) for the fold distances, bit-reflected.
 * Several times as fast as zlib's table-driven crc32. len >= 64 and a multiple of 16.
 */
__attribute__((target("pclmul,sse4.1"))) static uint32_t crc32_fold(uint32_t crc, const unsigned char *p, size_t len) {
  const __m128i k12 = _mm_set_epi64x(0x1c6e41596LL, 0x154442bd4LL); /* fold by 512 bits */
  const __m128i k34 = _mm_set_epi64x(0x0ccaa009eLL, 0x1751997d0LL); /* fold by 128 bits */
  const __m128i k5 = _mm_set_epi64x(0, 0x163cd6124LL);
  const __m128i kp = _mm_set_epi64x(0x1f7011641LL, 0x1db710641LL); /* mu, P(x) */
  const __m128i mask32 = _mm_set_epi32(0, 0, 0, -1);
  __m128i x0 = _mm_xor_si128(_mm_loadu_si128((const __m128i *)p), _mm_cvtsi32_si128((int)~crc));
  __m128i x1 = _mm_loadu_si128((const __m128i *)(p + 16));
  __m128i x2 = _mm_loadu_si128((const __m128i *)(p + 32));
  __m128i x3 = _mm_loadu_si128((const __m128i *)(p + 48));
  p += 64;
  len -= 64;
#define GZ_FOLD(x, k, d) _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00), _mm_clmulepi64_si128(x, k, 0x11)), d)
  for (; len >= 64; p += 64, len -= 64) {
    x0 = GZ_FOLD(x0, k12, _mm_loadu_si128((const __m128i *)p));
    x1 = GZ_FOLD(x1, k12, _mm_loadu_si128((const __m128i *)(p + 16)));
    x2 = GZ_FOLD(x2, k12, _mm_loadu_si128((const __m128i *)(p + 32)));
    x3 = GZ_FOLD(x3, k12, _mm_loadu_si128((const __m128i *)(p + 48)));
  }
  __m128i x = GZ_FOLD(x0, k34, x1);
  x = GZ_FOLD(x, k34, x2);
  x = GZ_FOLD(x, k34, x3);
  for (; len >= 16; p += 16, len -= 16) x = GZ_FOLD(x, k34, _mm_loadu_si128((const __m128i *)p));
#undef GZ_FOLD
  x = _mm_xor_si128(_mm_srli_si128(x, 8), _mm_clmulepi64_si128(x, k34, 0x10));
  x = _mm_xor_si128(_mm_srli_si128(x, 4), _mm_clmulepi64_si128(_mm_and_si128(x, mask32), k5, 0x00));
  __m128i t = _mm_clmulepi64_si128(_mm_and_si128(x, mask32), kp, 0x10);
  t = _mm_clmulepi64_si128(_mm_and_si128(t, mask32), kp, 0x00);
  x = _mm_xor_si128(x, t);
  return ~(uint32_t)_mm_extract_epi32(x, 1);
}
#endif

/* CRC-32 of p[0..len) continuing from crc: folded where the CPU can, zlib's otherwise and for the tail. */
static uint32_t gz_crc32(uint32_t crc, const unsigned char *p, size_t len) {
#if defined(__x86_64__)
  if (len >= 64 && __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1")) {
    size_t n = len & ~(size_t)15;
    crc = crc32_fold(crc, p, n);
    p += n;
    len -= n;
  }
#endif
  return (uint32_t)crc32_z(crc, p, len);
}

/* crc32(buf, crc): the chunk job's CRC-32, for the tests. */
static napi_value js_crc32(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], r;
  void *p = NULL;
  size_t len = 0;
  uint32_t crc = 0;
  bool is_buf = false;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2 || napi_is_buffer(env, argv[0], &is_buf) != napi_ok || !is_buf || napi_get_buffer_info(env, argv[0], &p, &len) != napi_ok ||
      napi_get_value_uint32(env, argv[1], &crc) != napi_ok) {
    napi_throw_type_error(env, NULL, "crc32(buf, crc)");
    return NULL;
  }
  CHECK(napi_create_uint32(env, gz_crc32(crc, p, len), &r));
  return r;
}

/*
 * Output blocks sized for a whole chunk stored (parallel-gzip's 1 MiB), kept when their buffers
 * are collected and handed to the next jobs: fresh memory costs a page fault every 4 KiB.
 */
#define GZ_CHUNK (1 << 20)
#define GZ_BLOCK_CAP (GZ_CHUNK + 5 * (GZ_CHUNK / GZ_STORED_MAX + 2) + 1024)
#define GZ_KEEP_BLOCKS 16
static pthread_mutex_t gz_keep_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char *gz_keep[GZ_KEEP_BLOCKS];
static size_t gz_kept;

static bool gz_reserve(struct gz_job *j, size_t more) {
  if (j->out_cap - j->out_len >= more) return true;
  size_t cap = j->out_cap ? j->out_cap : more;
  while (cap - j->out_len < more) cap *= 2;
  unsigned char *p = realloc(j->out, cap);
  if (!p) return false;
  j->out = p;
  j->out_cap = cap;
  return true;
}

/* Sampled entropy of seg[0..len) (every 16th byte), in bits per byte. */
static double gz_entropy(const unsigned char *seg, size_t len, const double *table, size_t entries) {
  uint32_t counts[256] = {0};
  size_t n = 0;
  for (size_t i = 0; i < len; i += 16, n++) counts[seg[i]]++;
  if (n == 0 || n >= entries) return 0;
  double h = 0;
  for (int c = 0; c < 256; c++)
    if (counts[c]) h -= table[counts[c]];
  return h;
}

static bool gz_stored(struct gz_job *j, const unsigned char *p, size_t len, bool final) {
  size_t blocks = len ? (len + GZ_STORED_MAX - 1) / GZ_STORED_MAX : 1;
  if (!gz_reserve(j, len + 5 * blocks)) return false;
  unsigned char *o = j->out + j->out_len;
  for (size_t b = 0; b < blocks; b++) {
    size_t k = len - b * GZ_STORED_MAX < GZ_STORED_MAX ? len - b * GZ_STORED_MAX : GZ_STORED_MAX;
    *o++ = final && b == blocks - 1 ? 1 : 0;
    o[0] = k & 0xff;
    o[1] = k >> 8;
    o[2] = ~k & 0xff;
    o[3] = (~k >> 8) & 0xff;
    o += 4;
    memcpy(o, p + b * GZ_STORED_MAX, k);
    o += k;
  }
  j->out_len = (size_t)(o - j->out);
  return true;
}

/* deflate(flush) until it leaves output space unused, window by window as node:zlib does. */
static int gz_deflate_call(struct gz_job *j, z_stream *s, int flush, size_t *window_left) {
  for (;;) {
    if (*window_left == 0) *window_left = GZ_OUT_WINDOW;
    if (!gz_reserve(j, *window_left)) return Z_MEM_ERROR;
    s->next_out = j->out + j->out_len;
    s->avail_out = (uInt)*window_left;
    int err = deflate(s, flush);
    size_t have = *window_left - s->avail_out;
    j->out_len += have;
    *window_left = s->avail_out;
    if (err != Z_OK && err != Z_STREAM_END && err != Z_BUF_ERROR) return err;
    if (s->avail_out != 0) return Z_OK;
  }
}

static bool gz_deflated(struct gz_job *j, const unsigned char *dict, size_t dict_len, const unsigned char *p, size_t len, bool final) {
  z_stream s;
  memset(&s, 0, sizeof s);
  if (deflateInit2(&s, j->level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    j->error = "gzipChunk: deflateInit2 failed";
    return false;
  }
  bool ok = dict_len == 0 || deflateSetDictionary(&s, dict, (uInt)dict_len) == Z_OK;
  size_t window_left = GZ_OUT_WINDOW;
  if (ok) {
    s.next_in = (unsigned char *)p;
    s.avail_in = (uInt)len;
    ok = gz_deflate_call(j, &s, Z_NO_FLUSH, &window_left) == Z_OK;
  }
  if (ok) {
    s.next_in = (unsigned char *)p + len;
    s.avail_in = 0;
    ok = gz_deflate_call(j, &s, final ? Z_FINISH : Z_SYNC_FLUSH, &window_left) == Z_OK;
  }
  deflateEnd(&s);
  if (!ok) j->error = "gzipChunk: deflate failed";
  return ok;
}

static void gz_execute(napi_env env, void *data) {
  (void)env;
  struct gz_job *j = data;
  size_t len = 0, prev_len = 0;
  for (size_t i = 0; i < j->n; i++) len += j->lens[i];
  for (size_t i = 0; i < j->n_prev; i++) prev_len += j->prev_lens[i];
  size_t tail = prev_len < GZ_WINDOW ? prev_len : GZ_WINDOW;
  /*
   * [the last `tail` bytes of the previous chunk | this chunk]: a run's dictionary is what
   * precedes it. Gathered into a buffer each pool thread keeps (fresh memory costs page faults).
   */
  static __thread unsigned char *kept;
  static __thread size_t kept_cap;
  if (kept_cap < tail + len + 1) {
    free(kept);
    kept_cap = 0;
    kept = malloc(tail + len + 1);
    if (!kept) {
      j->error = "gzipChunk: out of memory";
      return;
    }
    kept_cap = tail + len + 1;
  }
  unsigned char *buf = kept;
  size_t skip = prev_len - tail, o = 0;
  for (size_t i = 0; i < j->n_prev; i++) {
    size_t l = j->prev_lens[i];
    if (skip >= l) {
      skip -= l;
      continue;
    }
    memcpy(buf + o, j->prev_ptrs[i] + skip, l - skip);
    o += l - skip;
    skip = 0;
  }
  for (size_t i = 0; i < j->n; i++) {
    memcpy(buf + o, j->ptrs[i], j->lens[i]);
    o += j->lens[i];
  }
  const unsigned char *chunk = buf + tail;
  j->crc = gz_crc32(0, chunk, len);
  size_t blocks = len / GZ_STORED_MAX + 2;
  if (len + 5 * blocks + 1024 == GZ_BLOCK_CAP) {
    pthread_mutex_lock(&gz_keep_lock);
    if (gz_kept > 0) {
      j->out = gz_keep[--gz_kept];
      j->out_cap = GZ_BLOCK_CAP;
    }
    pthread_mutex_unlock(&gz_keep_lock);
  }
  if (!gz_reserve(j, len + 5 * blocks + 1024)) {
    j->error = "gzipChunk: out of memory";
    return;
  }
  /* Runs of segments of one kind. */
  size_t a = 0;
  bool ok = true;
  if (len == 0) ok = gz_stored(j, chunk, 0, j->last);
  while (ok && a < len) {
    bool stored = false;
    size_t b = a;
    for (bool first = true; b < len; first = false) {
      size_t end = b + GZ_SEGMENT < len ? b + GZ_SEGMENT : len;
      bool full = end - b == GZ_SEGMENT;
      double h = gz_entropy(chunk + b, end - b, full ? j->table : j->short_table, full ? 4097 : j->short_n);
      bool st = h > GZ_STORE_ENTROPY;
      if (first) stored = st;
      else if (st != stored) break;
      b = end;
    }
    bool final = j->last && b == len;
    if (stored) ok = gz_stored(j, chunk + a, b - a, final);
    else {
      size_t avail = tail + a; /* bytes before the run in buf */
      size_t dl = avail < GZ_WINDOW ? avail : GZ_WINDOW;
      ok = gz_deflated(j, chunk + a - dl, dl, chunk + a, b - a, final);
    }
    a = b;
  }
  if (!ok && !j->error) j->error = "gzipChunk: out of memory";
  /* Give back what a compressible chunk did not use. */
  if (ok && j->out_cap - j->out_len > (64 << 10)) {
    unsigned char *p = realloc(j->out, j->out_len ? j->out_len : 1);
    if (p) {
      j->out = p;
      j->out_cap = j->out_len ? j->out_len : 1;
    }
  }
}

static void gz_job_free(napi_env env, struct gz_job *j) {
  napi_ref *refs[] = {&j->pieces_ref, &j->prev_ref, &j->table_ref, &j->short_ref};
  for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++)
    if (*refs[i]) napi_delete_reference(env, *refs[i]);
  if (j->work) napi_delete_async_work(env, j->work);
  free(j->out);
  free(j->ptrs);
  free(j->lens);
  free(j->prev_ptrs);
  free(j->prev_lens);
  free(j);
}

/* The output buffer's finalizer; `hint` is its block's capacity. */
static void gz_free_out(napi_env env, void *data, void *hint) {
  (void)env;
  if ((uintptr_t)hint == GZ_BLOCK_CAP) {
    pthread_mutex_lock(&gz_keep_lock);
    bool kept = gz_kept < GZ_KEEP_BLOCKS;
    if (kept) gz_keep[gz_kept++] = data;
    pthread_mutex_unlock(&gz_keep_lock);
    if (kept) return;
  }
  free(data);
}

static void gz_complete(napi_env env, napi_status status, void *data) {
  struct gz_job *j = data;
  napi_value result, buf, crc, err, msg;
  if (status == napi_ok && !j->error &&
      napi_create_external_buffer(env, j->out_len, j->out, gz_free_out, (void *)(uintptr_t)j->out_cap, &buf) == napi_ok) {
    j->out = NULL; /* the buffer owns it now */
    napi_create_array_with_length(env, 2, &result);
    napi_create_uint32(env, j->crc, &crc);
    napi_set_element(env, result, 0, buf);
    napi_set_element(env, result, 1, crc);
    napi_resolve_deferred(env, j->deferred, result);
  } else {
    napi_create_string_utf8(env, j->error ? j->error : "gzipChunk: failed", NAPI_AUTO_LENGTH, &msg);
    napi_create_error(env, NULL, msg, &err);
    napi_reject_deferred(env, j->deferred, err);
  }
  gz_job_free(env, j);
}

/* The buffers of array `v` into ptrs and lens (n of them); false (with a TypeError thrown) if not an array of Buffers. */
static bool gz_buffers(napi_env env, napi_value v, const unsigned char ***ptrs, size_t **lens, size_t *n) {
  bool is_array = false;
  uint32_t count = 0;
  if (napi_is_array(env, v, &is_array) != napi_ok || !is_array || napi_get_array_length(env, v, &count) != napi_ok) {
    napi_throw_type_error(env, NULL, "gzipChunk: pieces must be an array of Buffers");
    return false;
  }
  *ptrs = calloc(count ? count : 1, sizeof **ptrs);
  *lens = calloc(count ? count : 1, sizeof **lens);
  if (!*ptrs || !*lens) {
    napi_throw_error(env, NULL, "berth_native: gzipChunk: out of memory");
    return false;
  }
  *n = count;
  for (uint32_t i = 0; i < count; i++) {
    napi_value el;
    void *p = NULL;
    size_t len = 0;
    bool is_buf = false;
    if (napi_get_element(env, v, i, &el) != napi_ok || napi_is_buffer(env, el, &is_buf) != napi_ok || !is_buf ||
        napi_get_buffer_info(env, el, &p, &len) != napi_ok) {
      napi_throw_type_error(env, NULL, "gzipChunk: pieces must be an array of Buffers");
      return false;
    }
    (*ptrs)[i] = p;
    (*lens)[i] = len;
  }
  return true;
}

/* A Float64Array's data and length; false (with a TypeError thrown) if it is not one. */
static bool gz_table(napi_env env, napi_value v, const double **data, size_t *n) {
  bool is_ta = false;
  napi_typedarray_type type;
  void *p = NULL;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta ||
      napi_get_typedarray_info(env, v, &type, n, &p, NULL, NULL) != napi_ok || type != napi_float64_array) {
    napi_throw_type_error(env, NULL, "gzipChunk: entropy tables must be Float64Arrays");
    return false;
  }
  *data = p;
  return true;
}

static napi_value js_gzip_chunk(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 6) {
    napi_throw_type_error(env, NULL, "gzipChunk(pieces, prev, level, last, table, shortTable)");
    return NULL;
  }
  struct gz_job *j = calloc(1, sizeof *j);
  if (!j) {
    napi_throw_error(env, NULL, "berth_native: gzipChunk: out of memory");
    return NULL;
  }
  napi_valuetype prev_type, short_type;
  int32_t level = 0;
  size_t table_n = 0;
  bool ok = gz_buffers(env, argv[0], &j->ptrs, &j->lens, &j->n) && napi_typeof(env, argv[1], &prev_type) == napi_ok &&
            (prev_type == napi_null || prev_type == napi_undefined || gz_buffers(env, argv[1], &j->prev_ptrs, &j->prev_lens, &j->n_prev)) &&
            napi_get_value_int32(env, argv[2], &level) == napi_ok && napi_get_value_bool(env, argv[3], &j->last) == napi_ok &&
            gz_table(env, argv[4], &j->table, &table_n) && napi_typeof(env, argv[5], &short_type) == napi_ok &&
            (short_type == napi_null || short_type == napi_undefined || gz_table(env, argv[5], &j->short_table, &j->short_n));
  if (ok && (table_n != 4097 || level < 0 || level > 9)) {
    napi_throw_range_error(env, NULL, "gzipChunk: level 0-9 and a table of 4097 entries");
    ok = false;
  }
  if (!ok) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (!pending) napi_throw_type_error(env, NULL, "gzipChunk(pieces, prev, level, last, table, shortTable)");
    gz_job_free(env, j);
    return NULL;
  }
  j->level = level;
  napi_value promise, name;
  if (napi_create_reference(env, argv[0], 1, &j->pieces_ref) != napi_ok ||
      (j->prev_ptrs && napi_create_reference(env, argv[1], 1, &j->prev_ref) != napi_ok) ||
      napi_create_reference(env, argv[4], 1, &j->table_ref) != napi_ok ||
      (j->short_table && napi_create_reference(env, argv[5], 1, &j->short_ref) != napi_ok) ||
      napi_create_promise(env, &j->deferred, &promise) != napi_ok ||
      napi_create_string_utf8(env, "berth:gzipChunk", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_async_work(env, NULL, name, gz_execute, gz_complete, j, &j->work) != napi_ok) {
    gz_job_free(env, j);
    napi_throw_error(env, NULL, "berth_native: gzipChunk: cannot start the work");
    return NULL;
  }
  if (napi_queue_async_work(env, j->work) != napi_ok) {
    napi_value err = errno_error(env, EAGAIN, "gzipChunk: cannot queue the work");
    napi_reject_deferred(env, j->deferred, err);
    gz_job_free(env, j);
  }
  return promise;
}

/* crc32Combine(crc1, crc2, len2): the CRC-32 of A·B from crc1 = crc(A), crc2 = crc(B), len2 = |B|. */
static napi_value js_crc32_combine(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], r;
  uint32_t a = 0, b = 0;
  int64_t len = 0;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 3 || napi_get_value_uint32(env, argv[0], &a) != napi_ok || napi_get_value_uint32(env, argv[1], &b) != napi_ok ||
      napi_get_value_int64(env, argv[2], &len) != napi_ok || len < 0) {
    napi_throw_type_error(env, NULL, "crc32Combine(crc1, crc2, len2)");
    return NULL;
  }
  CHECK(napi_create_uint32(env, (uint32_t)crc32_combine(a, b, (z_off_t)len), &r));
  return r;
}
/* ---- end gzip chunks -------------------------------------------------------------------------- */

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
      {"gzipChunk", NULL, js_gzip_chunk, NULL, NULL, NULL, napi_enumerable, NULL},
      {"crc32Combine", NULL, js_crc32_combine, NULL, NULL, NULL, napi_enumerable, NULL},
      {"crc32", NULL, js_crc32, NULL, NULL, NULL, napi_enumerable, NULL},
      {"flushFd", NULL, js_flush_fd, NULL, NULL, NULL, napi_enumerable, NULL},
      {"batchHelperThreads", NULL, js_batch_helper_threads, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
