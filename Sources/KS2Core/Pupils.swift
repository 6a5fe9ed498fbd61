/// The three subjects with a progress measure, in output order.
public enum Subject: Int, Sendable, CaseIterable, Hashable {
    case read = 0
    case writ = 1
    case mat = 2
    public var name: String { ["read", "writ", "mat"][rawValue] }
}

/// The three tests with a scaled score (GPS has attainment only).
public enum TestSubject: Int, Sendable, CaseIterable, Hashable {
    case read = 0
    case mat = 1
    case gps = 2
    public var name: String { ["read", "mat", "gps"][rawValue] }
}

/// One value per progress subject (reading, writing, maths), so that per-subject figures travel
/// together and are named by `Subject`, not by a position in a tuple or an array. A struct of three
/// stored values: no allocation, whatever the value.
public struct PerSubject<Value> {
    public var read: Value
    public var writ: Value
    public var mat: Value

    @inlinable
    public init(read: Value, writ: Value, mat: Value) {
        self.read = read
        self.writ = writ
        self.mat = mat
    }

    /// The same value for every subject.
    @inlinable
    public init(repeating value: Value) {
        self.init(read: value, writ: value, mat: value)
    }

    /// One value per subject, from a function of the subject (read, writing, maths in turn).
    @inlinable
    public init(_ value: (Subject) throws -> Value) rethrows {
        self.init(read: try value(.read), writ: try value(.writ), mat: try value(.mat))
    }

    /// The value of one subject.
    @inlinable
    public subscript(subject: Subject) -> Value {
        get {
            switch subject {
            case .read: return read
            case .writ: return writ
            case .mat: return mat
            }
        }
        set {
            switch subject {
            case .read: read = newValue
            case .writ: writ = newValue
            case .mat: mat = newValue
            }
        }
    }

    /// Each subject's value transformed, in subject order.
    @inlinable
    public func map<T>(_ transform: (Value) throws -> T) rethrows -> PerSubject<T> {
        PerSubject<T>(read: try transform(read), writ: try transform(writ), mat: try transform(mat))
    }

    /// The first subject (in subject order) whose value satisfies `predicate`.
    @inlinable
    public func first(where predicate: (Value) throws -> Bool) rethrows -> Subject? {
        if try predicate(read) { return .read }
        if try predicate(writ) { return .writ }
        if try predicate(mat) { return .mat }
        return nil
    }
}

extension PerSubject: Sendable where Value: Sendable {}
extension PerSubject: Equatable where Value: Equatable {}
extension PerSubject: Hashable where Value: Hashable {}

/// One value per KS2 test with a scaled score (reading, maths, GPS), in the file's column order: the
/// test counterpart of `PerSubject` (writing has a teacher assessment, not a test).
public struct PerTest<Value> {
    public var read: Value
    public var mat: Value
    public var gps: Value

    @inlinable
    public init(read: Value, mat: Value, gps: Value) {
        self.read = read
        self.mat = mat
        self.gps = gps
    }

    /// The value of one test.
    @inlinable
    public subscript(test: TestSubject) -> Value {
        switch test {
        case .read: return read
        case .mat: return mat
        case .gps: return gps
        }
    }

    /// Each test's value transformed, in test order.
    @inlinable
    public func map<T>(_ transform: (Value) throws -> T) rethrows -> PerTest<T> {
        PerTest<T>(read: try transform(read), mat: try transform(mat), gps: try transform(gps))
    }

    /// The first test (in test order) whose value satisfies `predicate`.
    @inlinable
    public func first(where predicate: (Value) throws -> Bool) rethrows -> TestSubject? {
        if try predicate(read) { return .read }
        if try predicate(mat) { return .mat }
        if try predicate(gps) { return .gps }
        return nil
    }
}

extension PerTest: Sendable where Value: Sendable {}
extension PerTest: Equatable where Value: Equatable {}

public enum Gender: UInt8, Sendable {
    case unknown, male, female
    public var name: String { ["", "M", "F"][Int(rawValue)] }
}

public enum YesNo: UInt8, Sendable {
    case unknown, yes, no
    public var name: String { ["", "Y", "N"][Int(rawValue)] }
}

public enum SENProvision: UInt8, Sendable {
    case unknown, none, support, ehcPlan
    public var name: String { ["", "N", "K", "E"][Int(rawValue)] }
}

/// One KS2 test result as read: the scaled score (0 when none), the effective outcome code
/// (the code column, else a code written in the score column) and the teacher assessment.
public struct TestResult: Sendable, Hashable {
    public var scaled: UInt8
    public var code: Code
    public var ta: Code
    public init(scaled: UInt8 = 0, code: Code = .none, ta: Code = .none) {
        self.scaled = scaled
        self.code = code
        self.ta = ta
    }
    public var hasScaled: Bool { scaled != 0 }
}

/// An accepted KS2 row, cleaned and interned: everything later stages need, nothing as String.
public struct KS2Pupil: Sendable, Hashable {
    /// Physical line where the record starts (header = 1).
    public var line: Int32
    public var upn: UPN
    /// Index into `KS2Cohort.schools`.
    public var school: Int32
    /// Index into `KS2Cohort.localAuthorities`, or -1 when the pupil has no LA.
    public var la: Int32
    public var gender: Gender
    public var disadvantaged: YesNo
    public var eal: YesNo
    public var sen: SENProvision
    public var read: TestResult
    public var mat: TestResult
    public var gps: TestResult
    public var writTA: Code
    /// Index into `KS2Cohort.names` (forename, surname), or -1; kept out of county outputs.
    public var name: Int32

    public init(
        line: Int32, upn: UPN, school: Int32, la: Int32 = -1, gender: Gender = .unknown,
        disadvantaged: YesNo = .unknown, eal: YesNo = .unknown, sen: SENProvision = .unknown,
        read: TestResult = TestResult(), mat: TestResult = TestResult(),
        gps: TestResult = TestResult(), writTA: Code = .none, name: Int32 = -1
    ) {
        self.line = line
        self.upn = upn
        self.school = school
        self.la = la
        self.gender = gender
        self.disadvantaged = disadvantaged
        self.eal = eal
        self.sen = sen
        self.read = read
        self.mat = mat
        self.gps = gps
        self.writTA = writTA
        self.name = name
    }

    public func test(_ t: TestSubject) -> TestResult {
        switch t {
        case .read: return read
        case .mat: return mat
        case .gps: return gps
        }
    }
}

/// A school as the KS2 file names it; the id is the URN, else the LAESTAB digits.
public struct SchoolInfo: Sendable, Hashable {
    public var id: String
    public var name: String
    /// LA code (the first non-blank among its pupils' rows), or empty.
    public var la: String
    public var special: Bool
    public init(id: String, name: String = "", la: String = "", special: Bool = false) {
        self.id = id
        self.name = name
        self.la = la
        self.special = special
    }
}

/// A pupil's name, kept apart from the results so that only school workbooks ever see it.
public struct PupilName: Sendable, Hashable {
    public var forename: String
    public var surname: String
    public init(forename: String, surname: String) {
        self.forename = forename
        self.surname = surname
    }
}

/// A KS1 prior-attainment record as read (codes interned; points are KS2Core's business).
public struct KS1Record: Sendable, Hashable {
    public var line: Int32
    public var upn: UPN
    public var read: Code
    public var writ: Code
    public var mat: Code
    public init(line: Int32, upn: UPN, read: Code, writ: Code, mat: Code) {
        self.line = line
        self.upn = upn
        self.read = read
        self.writ = writ
        self.mat = mat
    }
}

/// The accepted KS2 rows of one file for one year, with their schools and LAs interned.
public struct KS2Cohort: Sendable {
    public var year: Int
    public var pupils: [KS2Pupil]
    public var schools: [SchoolInfo]
    /// LA codes as written (3 digits), indexed by `KS2Pupil.la`.
    public var localAuthorities: [String]
    public var names: [PupilName]
    public init(
        year: Int, pupils: [KS2Pupil] = [], schools: [SchoolInfo] = [],
        localAuthorities: [String] = [], names: [PupilName] = []
    ) {
        self.year = year
        self.pupils = pupils
        self.schools = schools
        self.localAuthorities = localAuthorities
        self.names = names
    }
}
