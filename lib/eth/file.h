/* file.h: reading and writing small files safely: regular files only (a FIFO or a device is
 * refused before anything blocks on it), a size cap, exclusive creation with a given mode, and
 * atomic replacement. */
#ifndef ETH_FILE_H
#define ETH_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include "buf.h"
#include "error.h"

/* Reads the whole regular file at path, at most max bytes, and appends it to out (set
 * out->secret first for key material). If mode is not NULL it receives the file's permission
 * bits (for warnings about files others can read). Returns 0; -ETH_EIO if it cannot be opened
 * or read or is not a regular file (FIFOs and devices are refused without blocking); -ETH_ERANGE
 * if it is larger than max; or an eth_buf error. Messages start with the clipped path. */
int eth_file_read(const char *path, size_t max, eth_buf *out, unsigned *mode, eth_error *err)
    ETH_WARN_UNUSED;

/* Creates path exclusively (it must not exist) with permission bits mode, writes data[0..n),
 * fsyncs and closes it; on failure nothing is left behind. Returns 0 or -ETH_EIO (the message
 * says "already exists" when it does). */
int eth_file_create(const char *path, const void *data, size_t n, unsigned mode, eth_error *err)
    ETH_WARN_UNUSED;

/* Replaces the file at path with data[0..n) atomically: writes path.tmp (mode bits mode),
 * fsyncs it, renames it over path and fsyncs the folder, so that a crash leaves either the old
 * file or the new one, never a mix. A stale path.tmp is removed first. Returns 0 or -ETH_EIO
 * (nothing changed at path then). */
int eth_file_replace(const char *path, const void *data, size_t n, unsigned mode, eth_error *err)
    ETH_WARN_UNUSED;

#endif
