// libxlsxwriter writes every part of an xlsx (each sheet's XML, the styles, the shared strings…)
// to a temporary file, then reads it back into the zip: about twenty files created, written, read
// and deleted per school workbook, a tenth of a workbook's time in the kernel. This file defines
// libxlsxwriter's `lxw_tmpfile` in the executable (the dynamic linker binds libxlsxwriter's calls
// to it first, as with zip_level.c): each part is a stdio stream over a growing memory buffer
// instead, with the reading, writing and seeking libxlsxwriter does on it.
#if defined(__linux__)
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include "packaging.h"

static int ks2_parts_in_memory = 0;

int ks2_xlsx_parts_in_memory(void) { return __atomic_load_n(&ks2_parts_in_memory, __ATOMIC_RELAXED); }

#if defined(__linux__)

typedef struct {
    char *bytes;
    size_t length;
    size_t capacity;
    size_t position;
} ks2_memory_part;

static ssize_t ks2_part_read(void *cookie, char *into, size_t size) {
    ks2_memory_part *part = cookie;
    size_t available = part->position < part->length ? part->length - part->position : 0;
    size_t n = size < available ? size : available;
    memcpy(into, part->bytes + part->position, n);
    part->position += n;
    return (ssize_t)n;
}

static ssize_t ks2_part_write(void *cookie, const char *from, size_t size) {
    ks2_memory_part *part = cookie;
    size_t end = part->position + size;
    if (end > part->capacity) {
        size_t capacity = part->capacity ? part->capacity : 16384;
        while (capacity < end) capacity *= 2;
        char *grown = realloc(part->bytes, capacity);
        // out of memory: stop the run (its output folder is then never committed) rather than let
        // libxlsxwriter, which does not check its writes, pack a truncated part
        if (!grown) abort();
        part->bytes = grown;
        part->capacity = capacity;
    }
    if (part->position > part->length) memset(part->bytes + part->length, 0, part->position - part->length);
    memcpy(part->bytes + part->position, from, size);
    part->position = end;
    if (end > part->length) part->length = end;
    return (ssize_t)size;
}

static int ks2_part_seek(void *cookie, off64_t *offset, int whence) {
    ks2_memory_part *part = cookie;
    off64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (off64_t)part->position : (off64_t)part->length;
    off64_t target = base + *offset;
    if (target < 0) return -1;
    part->position = (size_t)target;
    *offset = target;
    return 0;
}

static int ks2_part_close(void *cookie) {
    ks2_memory_part *part = cookie;
    free(part->bytes);
    free(part);
    return 0;
}

FILE *lxw_tmpfile(char *tmpdir) {
    (void)tmpdir;
    ks2_memory_part *part = calloc(1, sizeof *part);
    if (!part) return NULL;
    cookie_io_functions_t io = {
        .read = ks2_part_read, .write = ks2_part_write, .seek = ks2_part_seek, .close = ks2_part_close};
    FILE *file = fopencookie(part, "w+", io);
    if (!file) {
        free(part);
        return NULL;
    }
    __atomic_store_n(&ks2_parts_in_memory, 1, __ATOMIC_RELAXED);
    return file;
}
#endif
