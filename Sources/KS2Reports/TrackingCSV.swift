import KS2Core

/// track_pupils.csv (formats.md "In-year tracking"): `urn,upn,subject,estimate,target,focus,` then
/// per window `W`: `W_predicted,W_progress,W_on_track`, one row per pupil and subject, in the order given.
public func trackPupilsCSV(_ pupils: [TrackedPupil], windows: [String]) -> [UInt8] {
    var header = ["urn", "upn", "subject", "estimate", "target", "focus"]
    for w in windows { header += ["\(w)_predicted", "\(w)_progress", "\(w)_on_track"] }
    var out = CSVWriter(header: header)
    for p in pupils {
        out.appendText(p.urn)
        out.appendText(p.upn)
        out.appendText(p.subject.name)
        out.appendDouble(p.estimate)
        out.appendText(p.target)
        out.appendYesNo(p.focus)
        for w in windows.indices {
            out.appendText(p.predicted[w])
            out.appendDouble(p.progress[w])
            out.appendYesNo(p.onTrack[w])
        }
        out.endRow()
    }
    return out.bytes
}

/// track_schools.csv: `level,id,name,subject,window,pupils,predicted_progress,lower,upper,status,
/// focus,focus_on_track,movement`, one row per (level, id, subject, window), in the order given.
public func trackSchoolsCSV(_ rows: [TrackingSummary], windows: [String]) -> [UInt8] {
    var out = CSVWriter(header: [
        "level", "id", "name", "subject", "window", "pupils", "predicted_progress", "lower",
        "upper", "status", "focus", "focus_on_track", "movement",
    ])
    for r in rows {
        out.appendText(r.level.name)
        out.appendText(r.id)
        out.appendText(r.name)
        out.appendText(r.subject.name)
        out.appendText(windows[r.window])
        out.appendInt(r.pupils)
        out.appendDouble(r.predictedProgress)
        out.appendDouble(r.lower)
        out.appendDouble(r.upper)
        out.appendText(r.status.name)
        out.appendInt(r.focus)
        out.appendInt(r.focusOnTrack)
        out.appendDouble(r.movement)
        out.endRow()
    }
    return out.bytes
}
