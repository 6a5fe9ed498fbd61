// libxlsxwriter has no compression-level option: it opens every part of an xlsx with minizip's
// zipOpenNewFileInZip4_64 at zlib's default level, and deflating the parts at that level was a
// third of a school workbook's time. This file defines that minizip function in the executable:
// on Linux the dynamic linker binds libxlsxwriter's call to the executable's definition first,
// which lowers the level and calls minizip's own function (found with RTLD_NEXT).
#if defined(__linux__)
#define _GNU_SOURCE
#include <dlfcn.h>
#endif
#include "packaging.h"

typedef int (*ks2_zip_open_function)(
    void *file, const char *filename, const void *zipfi, const void *extrafield_local,
    unsigned int size_extrafield_local, const void *extrafield_global, unsigned int size_extrafield_global,
    const char *comment, int method, int level, int raw, int windowBits, int memLevel, int strategy,
    const char *password, unsigned long crcForCrypting, unsigned long versionMadeBy, unsigned long flagBase,
    int zip64);

static int ks2_level_applied = 0;

int ks2_xlsx_zip_level_applied(void) { return __atomic_load_n(&ks2_level_applied, __ATOMIC_RELAXED); }

#if defined(__linux__)
/// zlib's Z_DEFLATED and Z_DEFAULT_COMPRESSION; minizip's ZIP_INTERNALERROR.
enum { ks2_deflated = 8, ks2_default_level = -1, ks2_zip_internal_error = -104 };

int zipOpenNewFileInZip4_64(
    void *file, const char *filename, const void *zipfi, const void *extrafield_local,
    unsigned int size_extrafield_local, const void *extrafield_global, unsigned int size_extrafield_global,
    const char *comment, int method, int level, int raw, int windowBits, int memLevel, int strategy,
    const char *password, unsigned long crcForCrypting, unsigned long versionMadeBy, unsigned long flagBase,
    int zip64) {
    // every thread finds the same function: a race only stores the same pointer twice
    static ks2_zip_open_function minizip = 0;
    ks2_zip_open_function open = __atomic_load_n(&minizip, __ATOMIC_ACQUIRE);
    if (!open) {
        open = (ks2_zip_open_function)dlsym(RTLD_NEXT, "zipOpenNewFileInZip4_64");
        if (!open) return ks2_zip_internal_error;
        __atomic_store_n(&minizip, open, __ATOMIC_RELEASE);
    }
    if (method == ks2_deflated && level == ks2_default_level) {
        level = KS2_XLSX_ZIP_LEVEL;
        __atomic_store_n(&ks2_level_applied, 1, __ATOMIC_RELAXED);
    }
    return open(
        file, filename, zipfi, extrafield_local, size_extrafield_local, extrafield_global, size_extrafield_global,
        comment, method, level, raw, windowBits, memLevel, strategy, password, crcForCrypting, versionMadeBy,
        flagBase, zip64);
}
#endif
