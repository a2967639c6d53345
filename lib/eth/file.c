/* file.c: bounded reads of regular files, exclusive creation and atomic replacement. */
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "text.h"

/* Opens path without blocking (a FIFO with no writer would otherwise hang) and checks that it
 * is a regular file; returns the fd, or -1 with err filled. */
static int open_regular(const char *path, unsigned *mode, eth_error *err)
{
    char shown[ETH_CLIP_BUF], why[128];
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        eth_fail(err, ETH_EIO, "%s: cannot open: %s", eth_text_clipz(path, shown),
                 eth_strerror(errno, why, sizeof why));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        eth_fail(err, ETH_EIO, "%s: cannot stat: %s", eth_text_clipz(path, shown),
                 eth_strerror(errno, why, sizeof why));
        close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        eth_fail(err, ETH_EIO, "%s: not a regular file%s", eth_text_clipz(path, shown),
                 S_ISFIFO(st.st_mode)  ? " (a FIFO or pipe)"
                 : S_ISDIR(st.st_mode) ? " (a directory)"
                                       : "");
        close(fd);
        return -1;
    }
    if (mode)
        *mode = (unsigned)(st.st_mode & 07777);
    return fd;
}

int eth_file_read(const char *path, size_t max, eth_buf *out, unsigned *mode, eth_error *err)
{
    char shown[ETH_CLIP_BUF], why[128];
    int fd = open_regular(path, mode, err);
    if (fd < 0)
        return -err->code;
    size_t start = out->len;
    int rc = 0;
    for (;;) {
        uint8_t chunk[4096];
        ssize_t r = read(fd, chunk, sizeof chunk);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            rc = eth_fail(err, ETH_EIO, "%s: read failed: %s", eth_text_clipz(path, shown),
                          eth_strerror(errno, why, sizeof why));
            break;
        }
        if (r == 0)
            break;
        if ((size_t)r > max - (out->len - start)) {
            rc = eth_fail(err, ETH_ERANGE, "%s: larger than the limit of %zu bytes",
                          eth_text_clipz(path, shown), max);
            eth_wipe(chunk, sizeof chunk);
            break;
        }
        rc = eth_buf_append(out, chunk, (size_t)r, err);
        eth_wipe(chunk, (size_t)r);
        if (rc)
            break;
    }
    close(fd);
    if (rc) {
        if (out->secret && out->data)
            eth_wipe(out->data + start, out->len - start);
        out->len = start;
    }
    return rc;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int eth_file_create(const char *path, const void *data, size_t n, unsigned mode, eth_error *err)
{
    char shown[ETH_CLIP_BUF], why[128];
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, (mode_t)mode);
    if (fd < 0 && errno == EEXIST)
        return eth_fail(err, ETH_EIO, "%s: already exists; refusing to overwrite",
                        eth_text_clipz(path, shown));
    if (fd < 0)
        return eth_fail(err, ETH_EIO, "%s: cannot create: %s", eth_text_clipz(path, shown),
                        eth_strerror(errno, why, sizeof why));
    int bad = write_all(fd, data, n) != 0 || fsync(fd) != 0;
    int saved = errno;
    if (close(fd) != 0 && !bad) {
        bad = 1;
        saved = errno;
    }
    if (bad) {
        unlink(path);
        return eth_fail(err, ETH_EIO, "%s: write failed: %s", eth_text_clipz(path, shown),
                        eth_strerror(saved, why, sizeof why));
    }
    return 0;
}

/* fsyncs the folder that holds path, so that a rename in it is durable. */
static int sync_parent(const char *path)
{
    char dir[4096] = ".";
    const char *slash = strrchr(path, '/');
    if (slash == path)
        strcpy(dir, "/");
    else if (slash) {
        size_t n = (size_t)(slash - path);
        if (n >= sizeof dir)
            return -1;
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

int eth_file_replace(const char *path, const void *data, size_t n, unsigned mode, eth_error *err)
{
    char tmp[4096], shown[ETH_CLIP_BUF], why[128];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp)
        return eth_fail(err, ETH_EIO, "%s: path too long", eth_text_clipz(path, shown));
    unlink(tmp); /* left by a writer that crashed */
    int rc = eth_file_create(tmp, data, n, mode, err);
    if (rc)
        return rc;
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return eth_fail(err, ETH_EIO, "%s: cannot replace: %s", eth_text_clipz(path, shown),
                        eth_strerror(e, why, sizeof why));
    }
    if (sync_parent(path) != 0)
        return eth_fail(err, ETH_EIO, "%s: written, but its folder could not be synced: %s",
                        eth_text_clipz(path, shown), eth_strerror(errno, why, sizeof why));
    return 0;
}
