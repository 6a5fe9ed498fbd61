#ifndef CXLSXWRITER_SHIM_H
#define CXLSXWRITER_SHIM_H
#include <stdio.h>
#include <xlsxwriter.h>

/// libxlsxwriter prints "[ERROR]…" and "[WARNING]…" lines on C's stderr for failures it also
/// returns as error codes, which ks2progress reports in one plain line of its own (with the file
/// and libxlsxwriter's own text). Pointing C's stderr stream at /dev/null silences only those
/// C-library prints: Swift's messages write to file descriptor 2 directly.
static inline void ks2_silence_c_stderr(void) {
    FILE *sink = fopen("/dev/null", "w");
    if (sink) stderr = sink;
}
#endif
