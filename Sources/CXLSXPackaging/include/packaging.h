#ifndef CXLSXPACKAGING_PACKAGING_H
#define CXLSXPACKAGING_PACKAGING_H

// How libxlsxwriter packages an xlsx, tuned for writing thousands of school workbooks: the deflate
// level of its zip entries (zip_level.c) and its parts kept in memory (memory_parts.c). Both
// replace a function libxlsxwriter calls through the dynamic linker; the XML inside is unchanged.

/// The deflate level every xlsx part is written with (libxlsxwriter asks for zlib's default, 6).
/// Level 1 deflates a school workbook's XML about a third faster for files about 15% larger; the
/// XML inside is the same at any level.
#define KS2_XLSX_ZIP_LEVEL 1

/// Whether workbooks are written at KS2_XLSX_ZIP_LEVEL: 1 once libxlsxwriter has opened a zip
/// entry through zip_level.c's override (Linux), 0 otherwise (e.g. macOS, whose two-level
/// namespaces keep libxlsxwriter on its own minizip and zlib's default level).
int ks2_xlsx_zip_level_applied(void);

/// Whether libxlsxwriter's parts are written in memory: 1 once it has asked memory_parts.c for a
/// part's stream (Linux), 0 otherwise (it then uses temporary files in the workbook's tmpdir).
int ks2_xlsx_parts_in_memory(void);

#endif
