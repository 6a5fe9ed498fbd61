import KS2Core

/// pupils.csv column names (formats.md), in order.
public let pupilsCSVHeader: [String] = {
    var h = ["year", "urn", "la", "upn", "ks1_aps", "ks1_band", "pag"]
    for s in Subject.allCases {
        for k in ["score", "source", "estimate", "progress_unadj", "progress", "capped", "excluded"] { h.append("\(s.name)_\(k)") }
    }
    h += ["read_exp", "read_high", "writ_exp", "writ_high", "mat_exp", "mat_high", "rwm_exp", "rwm_high",
          "gender", "disadvantaged", "eal", "sen"]
    return h
}()

/// pupils.csv: one row per accepted pupil in `order` (by school id, then UPN). Rows are formatted
/// in parallel chunks and joined in order, so the bytes never depend on the thread count.
public func pupilsCSV(cohort: KS2Cohort, table t: PupilProgressTable, order: [Int32], threads: Int) -> [UInt8] {
    let pupils = cohort.pupils
    let schoolIDs = cohort.schools.map { Array($0.id.utf8) }
    let laCodes = cohort.localAuthorities.map { Array($0.utf8) }
    let year = cohort.year
    let flagColumns: [AttainmentFlag] = [.readExp, .readHigh, .writExp, .writHigh, .matExp, .matHigh, .rwmExp, .rwmHigh]
    let chunks = ParallelChunks(count: order.count, chunkSize: 8_192, threads: threads)
    let parts = chunks.map { range -> [UInt8] in
        var w = CSVWriter(capacity: range.count * 230)
        for k in range {
            let i = Int(order[k])
            let p = pupils[i]
            w.appendInt(year)
            schoolIDs[Int(p.school)].withUnsafeBufferPointer { w.appendText(utf8: $0) }
            if p.la >= 0 { laCodes[Int(p.la)].withUnsafeBufferPointer { w.appendText(utf8: $0) } } else { w.appendEmpty() }
            w.appendText(p.upn.description)
            let aps = t.ks1APS[i]
            if aps.isNaN {
                w.appendEmpty(); w.appendEmpty()
            } else {
                w.appendDouble(aps)
                w.appendText(aps < 12 ? "L" : aps < 18 ? "M" : "H")
            }
            if t.pag[i] > 0 { w.appendInt(Int(t.pag[i])) } else { w.appendEmpty() }
            for s in 0..<3 {
                let score = t.score[s][i]
                if score.isNaN { w.appendEmpty() } else if score == score.rounded() { w.appendInt(Int(score)) } else { w.appendDouble(score) }
                w.appendText(t.source[s][i].name)
                let e = t.estimate[s][i]
                if e.isNaN { w.appendEmpty() } else { w.appendDouble(e) }
                let u = t.progressUnadjusted[s][i]
                let a = t.progress[s][i]
                if u.isNaN { w.appendEmpty() } else { w.appendDouble(u) }
                if a.isNaN { w.appendEmpty(); w.appendEmpty() } else { w.appendDouble(a); w.appendText(t.capped[s][i] ? "Y" : "N") }
                if let r = t.excluded[s][i] { w.appendText(r.name) } else { w.appendEmpty() }
            }
            for f in flagColumns {
                let v = t.attainment[f.rawValue][i]
                if v < 0 { w.appendEmpty() } else { w.appendText(v == 1 ? "Y" : "N") }
            }
            w.appendText(p.gender.name)
            w.appendText(p.disadvantaged.name)
            w.appendText(p.eal.name)
            w.appendText(p.sen.name)
            w.endRow()
        }
        return w.bytes
    }
    var out = CSVWriter(header: pupilsCSVHeader).bytes
    out.reserveCapacity(out.count + parts.reduce(0) { $0 + $1.count })
    for p in parts { out += p }
    return out
}

/// estimates.csv: `year,subject,pag,lower,upper,pupils,estimate,sd,cap`, every PAG of every subject.
public func estimatesCSV(_ table: EstimateTable) -> [UInt8] {
    var w = CSVWriter(header: ["year", "subject", "pag", "lower", "upper", "pupils", "estimate", "sd", "cap"])
    for s in Subject.allCases {
        for g in table.pags[s.rawValue] {
            w.appendInt(table.year); w.appendText(s.name); w.appendInt(g.pag)
            w.appendDouble(g.lower); w.appendDouble(g.upper); w.appendInt(g.pupils)
            w.appendDouble(g.estimate); w.appendDouble(g.sd); w.appendDouble(g.cap)
            w.endRow()
        }
    }
    return w.bytes
}

/// national.csv: `year,subject,pupils,sd,cap_z,p10,p90`.
public func nationalCSV(_ table: EstimateTable) -> [UInt8] {
    var w = CSVWriter(header: ["year", "subject", "pupils", "sd", "cap_z", "p10", "p90"])
    for n in table.national {
        w.appendInt(table.year); w.appendText(n.subject.name); w.appendInt(n.pupils)
        w.appendDouble(n.sd); w.appendDouble(n.capZ); w.appendDouble(n.p10); w.appendDouble(n.p90)
        w.endRow()
    }
    return w.bytes
}

/// targets.csv (formats.md): one row per current-cohort pupil, in the order given.
public func targetsCSV(_ rows: [TargetRow]) -> [UInt8] {
    var header = ["urn", "upn", "ks1_aps", "pag", "excluded", "estimates_year"]
    for s in Subject.allCases {
        for k in ["estimate", "target", "predicted", "predicted_progress", "focus"] { header.append("\(s.name)_\(k)") }
    }
    var w = CSVWriter(header: header)
    for r in rows {
        w.appendText(r.urn); w.appendText(r.upn); w.appendDouble(r.ks1APS); w.appendInt(r.pag)
        w.appendText(r.excluded); w.appendInt(r.estimatesYear)
        for s in 0..<3 {
            w.appendDouble(r.estimate[s]); w.appendText(r.target[s]); w.appendText(r.predicted[s])
            w.appendDouble(r.predictedProgress[s]); w.appendText(r.focus[s])
        }
        w.endRow()
    }
    return w.bytes
}
