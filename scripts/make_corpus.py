#!/usr/bin/env python3
"""Writes the malformed-input corpus (Tests/EndToEndTests/Corpus/): small files, each one real way
an export goes wrong. The expected outcome of each case is written by hand in cases.json (not
generated here), so the test compares the tool against hand-derived reject rows and messages.
Run from the repository root: python3 scripts/make_corpus.py"""
import os

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "EndToEndTests", "Corpus")
os.makedirs(OUT, exist_ok=True)

H = ("upn,urn,laestab,la,school_name,special,year,surname,forename,gender,dob,disadvantaged,eal,sen,"
     "read_score,read_code,read_ta,writ_ta,mat_score,mat_code,mat_ta,gps_score,gps_code").split(",")
B = [
    "Y860200012683,335661,8602000,860,Bridge Community Primary School,N,2019,Kowalski,Grace,M,2008-03-15,N,Y,N,120,AS,EXS,GDS,117,AS,EXS,119,AS",
    "M860200012684,335661,8602000,860,Bridge Community Primary School,N,2019,Davies,Muhammad,M,2008-08-19,N,N,N,108,AS,EXS,EXS,102,AS,EXS,110,AS",
    "B860200012685,335661,8602000,860,Bridge Community Primary School,N,2019,Ward,Amelia,F,2008-07-23,N,Y,N,98,NS,HNM,EXS,100,AS,EXS,103,AS",
    "Q860200012686,335661,8602000,860,Bridge Community Primary School,N,2019,Thompson,Alexander,M,2007-10-20,N,N,K,102,AS,EXS,WTS,104,AS,EXS,104,AS",
    "E860200012687,335661,8602000,860,Bridge Community Primary School,N,2019,Stevens,Jack,F,2007-12-26,N,Y,N,111,AS,EXS,EXS,108,AS,EXS,108,AS",
    "U860200012688,335661,8602000,860,Bridge Community Primary School,N,2019,Davies,Alexander,F,2007-10-17,N,N,E,109,AS,EXS,EXS,96,NS,HNM,111,AS",
]
ROWS = [r.split(",") for r in B]
K1H = ["upn", "ks1_read", "ks1_writ", "ks1_mat", "ks1_year"]
K1 = [["Y860200012683", "3", "3", "3", "2015"], ["M860200012684", "2A", "2A", "2A", "2015"],
      ["B860200012685", "2B", "2C", "2C", "2015"], ["Q860200012686", "1", "2C", "2B", "2015"],
      ["E860200012687", "2A", "2A", "2A", "2015"], ["U860200012688", "2A", "2A", "2A", "2015"]]
OTHER_UPNS = ["P860200012695", "H860200012714", "R860200012702"]   # valid UPNs of another school
C = {n: i for i, n in enumerate(H)}


def rows(**changes):
    """The base rows with {(row index, column name): value} changes applied."""
    out = [list(r) for r in ROWS]
    for (i, col), v in changes.get("set", {}).items():
        out[i][C[col]] = v
    return out


def text(header, body, delim=",", eol="\n", final_eol=True):
    lines = [delim.join(header)] + [delim.join(r) for r in body]
    return eol.join(lines) + (eol if final_eol else "")


def put(name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


good = text(H, ROWS)
put("base_ks2.csv", good)
put("base_ks1.csv", text(K1H, K1))

# --- file-level faults (exit 1 with file:line:column) ---
put("ks2_empty.csv", b"")
put("ks2_header_only.csv", text(H, []))
put("ks2_blank_lines_only.csv", "\n   \n,,,\n\t\n")
put("ks2_header_then_blank_rows.csv", text(H, []) + ",,,,\n\n  \n")
put("ks2_truncated_in_quote.csv", good + 'K860200012690,335661,8602000,860,"Bridge Commun')
put("ks2_unterminated_quote_middle.csv",
    text(H, ROWS[:2]) + ",".join(ROWS[2][:4]) + ',"Bridge Community Primary School,' + ",".join(ROWS[2][5:]) + "\n"
    + "\n".join(",".join(r) for r in ROWS[3:]) + "\n")
put("ks2_pipe_delimiter.csv", text(H, ROWS, delim="|"))
put("ks2_duplicate_header.csv", text(H + ["upn"], [r + [r[0]] for r in ROWS]))
put("ks2_duplicate_header_alias.csv", text(H[:2] + ["School URN"] + H[2:], [r[:2] + [r[1]] + r[2:] for r in ROWS]))
put("ks2_missing_writ_ta.csv", text([h for h in H if h != "writ_ta"], [[v for k, v in enumerate(r) if k != C["writ_ta"]] for r in ROWS]))
put("ks2_no_school_columns.csv", text([h for h in H if h not in ("urn", "laestab")],
                                      [[v for k, v in enumerate(r) if H[k] not in ("urn", "laestab")] for r in ROWS]))
put("ks2_binary_junk.csv", bytes(range(256)) * 3)
put("ks2_png_renamed.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa")
put("ks2_utf16le.csv", b"\xff\xfe" + good.encode("utf-16-le"))
put("ks2_utf16be.csv", b"\xfe\xff" + good.encode("utf-16-be"))
put("ks2_stray_quote_two_rows.csv",
    text(H, rows(set={(1, "surname"): 'O"Brien', (4, "surname"): 'D"Arcy'})))

# --- row faults (rejects) ---
put("ks2_truncated_mid_row.csv", good + ",".join(ROWS[0][:1]).replace("Y860200012683", "K860200012690") + ",335661,8602000,860,Bridge Commu")
put("ks2_score_wrong_type.csv", text(H, rows(set={(1, "read_score"): "108.5", (3, "mat_score"): "one hundred",
                                                  (4, "gps_score"): "12/05/2019"})))
put("ks2_score_out_of_range.csv", text(H, rows(set={(0, "read_score"): "79", (2, "mat_score"): "121", (5, "gps_score"): "0"})))
put("ks2_upn_lowercase.csv", text(H, rows(set={(2, "upn"): "b860200012685", (4, "upn"): " e860200012687 "})))
put("ks2_upn_14_chars.csv", text(H, rows(set={(3, "upn"): "Q8602000126861"})))
put("ks2_upn_12_chars.csv", text(H, rows(set={(3, "upn"): "Q86020001268"})))
put("ks2_upn_wrong_check_letter.csv", text(H, rows(set={(0, "upn"): "A860200012683"})))
put("ks2_upn_blank.csv", text(H, rows(set={(5, "upn"): ""})))
put("ks2_upn_inner_space.csv", text(H, rows(set={(1, "upn"): "M8602 00012684"})))
put("ks2_upn_excel_scientific.csv", text(H, rows(set={(1, "upn"): "8.6E+12"})))
put("ks2_wrong_year.csv", text(H, rows(set={(1, "year"): "2018", (2, "year"): "", (3, "year"): "19"})))
put("ks2_missing_school.csv", text(H, rows(set={(4, "urn"): "", (4, "laestab"): "", (5, "urn"): "", (5, "laestab"): "860-2000"})))
put("ks2_unknown_code.csv", text(H, rows(set={(0, "read_code"): "ZZ", (2, "writ_ta"): "EXP", (3, "mat_ta"): "PK9"})))
put("ks2_duplicate_row.csv", text(H, ROWS + [ROWS[1], [" " + v + " " for v in ROWS[1]]]))
put("ks2_duplicate_upn.csv", text(H, ROWS + [rows(set={(3, "read_score"): "103"})[3]]))
put("ks2_trailing_delimiter_rows_only.csv", text(H, ROWS[:3]) + "\n".join(",".join(r) + "," for r in ROWS[3:]) + "\n")
put("ks2_repeated_header.csv", text(H, ROWS[:3]) + ",".join(H) + "\n" + "\n".join(",".join(r) for r in ROWS[3:]) + "\n")
put("ks2_nul_in_upn.csv", text(H, rows(set={(2, "upn"): "B8602000\x0012685"})))
put("ks2_binary_junk_row.csv", text(H, ROWS[:3]).encode() + b"\x00\x01\xff\xfe\x80\x81 junk \x90\x9d\n"
    + text(H, ROWS[3:]).split("\n", 1)[1].encode())
put("ks2_wrong_field_count_short.csv", text(H, ROWS[:2] + [ROWS[2][:-3]] + ROWS[3:]))
put("ks2_wrong_field_count_unquoted_comma.csv",
    text(H, rows(set={(3, "school_name"): "Bridge Community Primary School, Andover"})))

# --- accepted as they are ---
put("ks2_trailing_delimiter.csv", text(H + [""], [r + [""] for r in ROWS]))
put("ks2_semicolon.csv", text(H, ROWS, delim=";"))
put("ks2_tab.csv", text(H, ROWS, delim="\t"))
put("ks2_crlf_blank_lines.csv", text(H, ROWS[:2] + [[""] * 0] + ROWS[2:4] + [["", "", ""]] + ROWS[4:], eol="\r\n")
    .replace(",,\r\n", "\t , ,\r\n"))
put("ks2_no_final_newline.csv", text(H, ROWS, final_eol=False))
put("ks2_bom.csv", b"\xef\xbb\xbf" + good.encode())
put("ks2_bom_middle.csv", text(H, ROWS[:3]) + "\ufeff" + "\n".join(",".join(r) for r in ROWS[3:]) + "\n")
put("ks2_windows1252_names.csv", text(H, rows(set={(0, "school_name"): "St Mary\u2019s C of E Primary", (0, "surname"): "Bront\u00eb",
                                                  (1, "school_name"): "St Mary\u2019s C of E Primary", (1, "forename"): "Zo\u00e9"}))
    .encode("cp1252"))
put("ks2_cr_only.csv", text(H, ROWS, eol="\r"))
put("ks2_quoted_newline_in_name.csv",
    text(H, ROWS[:1]).replace("Bridge Community Primary School", '"Bridge Community\nPrimary School"')
    + "\n".join(",".join(r) for r in rows(set={(3, "read_score"): "x1"})[1:]) + "\n")
put("ks2_very_long_field.csv", text(H, rows(set={(2, "surname"): "Long" * 16384})))
put("ks2_very_long_upn.csv", text(H, rows(set={(2, "upn"): "B" + "8" * 100})))
put("ks2_header_aliases.csv", text([" UPN ", "School URN", "DfE number", "LEA", "School name", "Special school", "KS2 year",
                                    "Legal surname", "Legal forename", "Sex", "Date of birth", "FSM6CLA1A", "EAL", "SEN provision",
                                    "Reading scaled score", "Reading outcome", "Reading TA", "Writing TA", "Maths scaled score",
                                    "Maths outcome", "Maths TA", "GPS scaled score", "GPS outcome"], ROWS))
put("ks2_extra_columns.csv", text(H + ["notes", "class"], [r + ["", "6B"] for r in ROWS]))
put("ks2_header_after_blank_lines.csv", "\n \n" + text(H, rows(set={(1, "read_score"): "200"})))
put("ks2_formula_names.csv", text(H, rows(set={(0, "school_name"): "=HYPERLINK(\"http://x\";\"a\")", (1, "school_name"): "=HYPERLINK(\"http://x\";\"a\")"})))

# --- KS1 ---
put("ks1_wrong_cohort.csv", text(K1H, [[u] + K1[i][1:] for i, u in enumerate(OTHER_UPNS)]))
put("ks1_unknown_code.csv", text(K1H, [K1[0], K1[1][:1] + ["T", "2A", "2A", "2015"], K1[2], K1[3][:2] + ["PK6", "2B", "2015"],
                                        K1[4][:3] + ["HNM", "2015"], K1[5]]))
put("ks1_missing_column.csv", text(K1H[:3] + K1H[4:], [r[:3] + r[4:] for r in K1]))
put("ks1_duplicate_upn.csv", text(K1H, K1 + [K1[2][:1] + ["3", "3", "3", "2015"]]))
put("ks1_empty.csv", b"")
put("ks1_lowercase_upn.csv", text(K1H, [[r[0].lower()] + r[1:] for r in K1]))

# --- cohorts / published ---
put("cohorts_empty.csv", b"")
put("cohorts_header_only.csv", "urn,cohort,baseline_year,outcome_year\n")
put("cohorts_bad_year.csv", "urn,cohort,baseline_year,outcome_year\n335661,Pilot,2017,twenty19\n")

# --- DfE published tables (cut from Data/published/ks2final-2019-850.csv: header + 4 rows) ---
import re
ROOT = os.path.join(os.path.dirname(__file__), "..")
lines = open(os.path.join(ROOT, "Data/published/ks2final-2019-850.csv"), "rb").read().split(b"\n")
put("published_changed_column.csv", (b"\n".join(lines[:5]) + b"\n").replace(b",READPROG,", b",READ_PROGRESS,", 1))
hdr = lines[0].rstrip(b"\r").split(b",")
keep = [i for i, h in enumerate(hdr) if not re.search(rb"_\d\d$", h) and not re.search(rb"_\d\d_", h)]
put("published_no_year.csv", b"\r\n".join(b",".join(l.rstrip(b"\r").split(b",")[i] for i in keep) for l in lines[:5]) + b"\r\n")
