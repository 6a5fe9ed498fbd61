#ifndef CXLSXZIPLEVEL_ZIP_LEVEL_H
#define CXLSXZIPLEVEL_ZIP_LEVEL_H

/// The deflate level every xlsx part is written with (libxlsxwriter asks for zlib's default, 6).
/// Level 1 deflates a school workbook's XML about a third faster for files about 15% larger; the
/// XML inside is the same at any level.
#define KS2_XLSX_ZIP_LEVEL 1

/// Whether workbooks are written at KS2_XLSX_ZIP_LEVEL: 1 once libxlsxwriter has opened a zip
/// entry through this file's override (Linux), 0 otherwise (e.g. macOS, whose two-level
/// namespaces keep libxlsxwriter on its own minizip and zlib's default level).
int ks2_xlsx_zip_level_applied(void);

#endif
