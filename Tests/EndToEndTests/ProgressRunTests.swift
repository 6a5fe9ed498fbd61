import Foundation
import Testing

/// `synth` then `progress` on the real binary: outputs, accounting, determinism, supplied runs.
@Suite(.serialized) struct ProgressRunTests {
    /// A synthetic cohort of national shape, small enough for a debug build.
    static func synth(_ dir: URL, schools: Int, year: Int, seed: Int = 3, edge: Bool = false) throws -> URL {
        let data = dir.appendingPathComponent("data-\(year)")
        var args = [
            "synth", "--schools", String(schools), "--year", String(year), "--seed", String(seed),
            "--out", data.path,
        ]
        if edge { args.append("--edge") }
        let r = try Harness.run(args)
        #expect(r.status == 0, "\(r.stderr)")
        return data
    }

    static func progress(_ data: URL, year: Int, out: URL, extra: [String] = []) throws -> Harness.Result {
        try Harness.run(
            [
                "progress", "--ks2", data.appendingPathComponent("ks2.csv").path,
                "--ks1", data.appendingPathComponent("ks1.csv").path, "--year", String(year),
                "--out", out.path, "--no-xlsx",
            ] + extra)
    }

    @Test func nationalRunOutputsAndAccounting() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = try Self.synth(dir, schools: 300, year: 2019, edge: true)
        let out = dir.appendingPathComponent("out")
        let r = try Self.progress(data, year: 2019, out: out)
        #expect(r.status == 0, "\(r.stderr)")
        for f in [
            "pupils.csv", "schools.csv", "groups.csv", "estimates.csv", "national.csv", "rejects.csv", "run.json",
        ] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(f).path), "\(f)")
        }
        let schools = try Harness.csv(out.appendingPathComponent("schools.csv"))
        #expect(
            schools[0].joined(separator: ",")
                == "year,level,id,name,la,eligible,ks1_aps,read_n,read_cov,read_progress,read_lower,read_upper,read_progress_unadj,read_status,read_band,writ_n,writ_cov,writ_progress,writ_lower,writ_upper,writ_progress_unadj,writ_status,writ_band,mat_n,mat_cov,mat_progress,mat_lower,mat_upper,mat_progress_unadj,mat_status,mat_band,pct_read_exp,pct_read_high,read_avg,pct_writ_exp,pct_writ_high,pct_mat_exp,pct_mat_high,mat_avg,pct_gps_exp,pct_gps_high,gps_avg,pct_rwm_exp,pct_rwm_high"
        )
        let pupils = try Harness.read(out.appendingPathComponent("pupils.csv")).split(separator: "\n")
        #expect(
            pupils[0]
                == "year,urn,la,upn,ks1_aps,ks1_band,pag,read_score,read_source,read_estimate,read_progress_unadj,read_progress,read_capped,read_excluded,writ_score,writ_source,writ_estimate,writ_progress_unadj,writ_progress,writ_capped,writ_excluded,mat_score,mat_source,mat_estimate,mat_progress_unadj,mat_progress,mat_capped,mat_excluded,read_exp,read_high,writ_exp,writ_high,mat_exp,mat_high,rwm_exp,rwm_high,gender,disadvantaged,eal,sen"
        )
        // run.json accounting: KS2 read = accepted + rejected; KS1 read = matched + unmatched + rejected
        let run =
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("run.json")))
            as! [String: Any]
        let rows = run["rows"] as! [String: [String: Any]]
        let ks2 = rows["ks2"]!
        let ks1 = rows["ks1"]!
        #expect(ks2["read"] as! Int == (ks2["accepted"] as! Int) + (ks2["rejected"] as! Int))
        #expect(
            ks1["read"] as! Int == (ks1["matched"] as! Int) + (ks1["unmatched"] as! Int) + (ks1["rejected"] as! Int))
        #expect(ks2["accepted"] as! Int == pupils.count - 1)
        let rejects = try Harness.csv(out.appendingPathComponent("rejects.csv"))
        #expect(rejects.count - 1 == (ks2["rejected"] as! Int) + (ks1["rejected"] as! Int))
        // wall and processor seconds for the same stages; the stages' processor seconds add up
        let seconds = run["seconds"] as! [String: Double]
        let processor = run["cpu_seconds"] as! [String: Double]
        #expect(Set(processor.keys) == Set(seconds.keys) && seconds.keys.contains("aggregate"))
        #expect(processor.values.allSatisfy { $0 >= 0 })
        let stages = processor.filter { $0.key != "total" }.values.reduce(0, +)
        #expect(abs(stages - processor["total"]!) < 1e-9 && processor["total"]! > 0)
        // the default behind the workbooks' focus pupils is named
        #expect((run["parameters"] as? [String: Any])?["focus_threshold"] as? Double == 0)
        // every stage once in the order they first ran ("write csv" runs in two streams)
        let order = run["stage_order"] as! [String]
        #expect(order.count == Set(order).count && Set(order) == Set(seconds.keys).subtracting(["total"]))
        #expect(order.firstIndex(of: "read")! < order.firstIndex(of: "write csv")!)
        // national mean unadjusted progress is 0 in every subject
        let national = schools.first { $0[1] == "national" }!
        for col in ["read_progress_unadj", "writ_progress_unadj", "mat_progress_unadj"] {
            let v = Double(national[schools[0].firstIndex(of: col)!])!
            #expect(abs(v) < 1e-9, "\(col) = \(v)")
        }
        // pupil-level outputs are for the owner and group only
        let mode =
            try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent("pupils.csv").path)[
                .posixPermissions] as! Int
        #expect(mode == 0o640)
    }

    @Test func cappingAboutOnePercentIn2019AndNoneIn2017() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        for year in [2017, 2019] {
            let data = try Self.synth(dir, schools: 400, year: year)
            let out = dir.appendingPathComponent("out\(year)")
            #expect(try Self.progress(data, year: year, out: out).status == 0)
            let rows = try Harness.csv(out.appendingPathComponent("pupils.csv"))
            let h = rows[0]
            for s in ["read", "writ", "mat"] {
                let c = h.firstIndex(of: "\(s)_capped")!
                let with = rows.dropFirst().filter { !$0[c].isEmpty }
                let capped = with.filter { $0[c] == "Y" }.count
                let share = Double(capped) / Double(with.count)
                if year == 2017 {
                    #expect(capped == 0)
                } else {
                    #expect(share > 0.003 && share <= 0.011, "\(s) \(share)")
                }
            }
        }
    }

    @Test func identicalOutputsForOneAndEightThreads() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = try Self.synth(dir, schools: 250, year: 2018, edge: true)
        let a = dir.appendingPathComponent("t1")
        let b = dir.appendingPathComponent("t8")
        #expect(try Self.progress(data, year: 2018, out: a, extra: ["--threads", "1"]).status == 0)
        #expect(try Self.progress(data, year: 2018, out: b, extra: ["--threads", "8"]).status == 0)
        for f in ["pupils.csv", "schools.csv", "groups.csv", "estimates.csv", "national.csv", "rejects.csv"] {
            let x = try Data(contentsOf: a.appendingPathComponent(f))
            let y = try Data(contentsOf: b.appendingPathComponent(f))
            #expect(x == y, "\(f) differs between 1 and 8 threads")
        }
    }

    @Test func suppliedRunOverOneLAReproducesTheNationalRows() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = try Self.synth(dir, schools: 400, year: 2019)
        let national = dir.appendingPathComponent("national")
        #expect(try Self.progress(data, year: 2019, out: national).status == 0)
        // cut one LA out of the national files
        let ks2 = try Harness.read(data.appendingPathComponent("ks2.csv")).split(
            separator: "\n", omittingEmptySubsequences: false)
        let header = ks2[0].split(separator: ",").map(String.init)
        let laCol = header.firstIndex(of: "la")!
        let la = Harness.fields(ks2[1])[laCol]
        let county = [ks2[0]] + ks2.dropFirst().filter { !$0.isEmpty && Harness.fields($0)[laCol] == la }
        let countyDir = dir.appendingPathComponent("county")
        try FileManager.default.createDirectory(at: countyDir, withIntermediateDirectories: true)
        try Harness.write(county.joined(separator: "\n") + "\n", to: countyDir.appendingPathComponent("ks2.csv"))
        try FileManager.default.copyItem(
            at: data.appendingPathComponent("ks1.csv"), to: countyDir.appendingPathComponent("ks1.csv"))
        let out = dir.appendingPathComponent("county-out")
        let r = try Self.progress(countyDir, year: 2019, out: out, extra: ["--estimates", national.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("estimates.csv").path))
        let nat = try Harness.csv(national.appendingPathComponent("schools.csv"))
        let cty = try Harness.csv(out.appendingPathComponent("schools.csv"))
        let countySchools = cty.dropFirst().filter { $0[1] == "school" }
        #expect(!countySchools.isEmpty)
        let nationalByID = Dictionary(
            nat.dropFirst().filter { $0[1] == "school" }.map { ($0[2], $0) }, uniquingKeysWith: { a, _ in a })
        for row in countySchools {
            #expect(nationalByID[row[2]] == row, "school \(row[2]) differs")
        }
        let laRow = cty.dropFirst().first { $0[1] == "la" }
        let natLA = nat.dropFirst().first { $0[1] == "la" && $0[2] == la }
        #expect(laRow != nil && laRow == natLA)
        // and the pupils' rows too
        let np = Set(try Harness.read(national.appendingPathComponent("pupils.csv")).split(separator: "\n"))
        let cp = try Harness.read(out.appendingPathComponent("pupils.csv")).split(separator: "\n").dropFirst()
        #expect(cp.allSatisfy { np.contains($0) })
    }
}
