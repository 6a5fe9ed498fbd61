/// Fixed tables of the synthetic cohort: LA codes, names, outcome tokens and each era's
/// distributions (modelled on shared/bench/gen_national.py).

/// The 151 three-digit LA codes used by gen_national.py (England, 201–938).
let laCodes: [Int] = [
    201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 301, 302, 303, 304, 305, 306, 307,
    308, 309, 310, 311, 312, 313, 314, 315, 316, 317, 318, 319, 320, 330, 331, 332, 333, 334, 335, 336,
    340, 341, 342, 343, 344, 350, 351, 352, 353, 354, 355, 356, 357, 358, 359, 370, 371, 372, 373, 380,
    381, 382, 383, 384, 390, 391, 392, 393, 394, 420, 800, 801, 802, 803, 805, 806, 807, 808, 810, 811,
    812, 813, 815, 816, 821, 822, 823, 825, 826, 830, 831, 838, 839, 840, 841, 845, 846, 850, 851, 852,
    855, 856, 857, 860, 861, 865, 866, 867, 868, 869, 870, 871, 872, 873, 874, 876, 877, 878, 879, 880,
    881, 882, 883, 884, 885, 886, 887, 888, 889, 890, 891, 892, 893, 894, 895, 896, 908, 909, 916, 919,
    921, 925, 926, 928, 929, 931, 933, 935, 936, 937, 938,
]

private func words(_ text: String) -> [[UInt8]] { text.split(separator: " ").map { Array($0.utf8) } }

let surnames = words(
    """
    Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Robinson Wright Thompson \
    Evans Walker White Roberts Green Hall Wood Jackson Clarke Khan Hughes Edwards Hill Moore \
    Lewis Harris Martin Cooper Ward Turner King Baker Ali Hussain Begum Murphy O'Brien Kelly \
    Nowak Kowalski Singh Kaur Ahmed Okafor Mensah Chen Nguyen Lee Scott Young Allen Mitchell \
    Campbell Anderson Morris Bell Watson Phillips Shaw Parker Price Bennett Griffiths Lloyd \
    Harrison-Cole Marshall Richardson Knight Stevens Rose Fox Mills Owen Barker Atkinson
    """)
let forenames = words(
    """
    Oliver Amelia Jack Olivia Harry Isla Jacob Emily Charlie Poppy Thomas Ava George Isabella \
    Oscar Jessica James Lily William Sophie Noah Grace Alfie Sophia Joshua Mia Muhammad Evie \
    Henry Ruby Leo Ella Archie Scarlett Ethan Chloe Joseph Isabelle Freddie Daisy Samuel \
    Freya Alexander Phoebe Logan Florence Daniel Alice Isaac Charlotte Max Sienna Mohammed \
    Matilda Benjamin Evelyn Mason Eva Lucas Millie Zara Aisha Kacper Zuzanna Chidi Amara Zoë
    """)
let places = words(
    """
    Oakfield Riverside Hillcrest Meadow Ashgrove Kingsway Northgate Westfield Brookside Elmwood \
    Fairfield Greenacre Highfield Lakeside Millbrook Parkside Redhill Southway Thornbury Woodlands \
    Abbey Castle Church Station Bridge Orchard Valley Priory Heath Manor
    """)
let schoolKinds: [[UInt8]] = [
    "Primary School", "Junior School", "CofE Primary School", "Catholic Primary School",
    "Primary Academy", "Community Primary School", "Church of England Junior School",
].map { Array($0.utf8) }
let specialKinds: [[UInt8]] = ["School", "Special School", "Academy", "Learning Centre"].map { Array($0.utf8) }

/// Every cell value the generator writes in an outcome, TA or KS1 column.
enum Token: UInt8, CaseIterable {
    case none
    case AS, NS, N, B, A, J, T, U, D, L, M, F, H, Q, X
    case GDS, EXS, WTS, HNM, BLW, EM, PK1, PK2, PK3, PK4, PK5, PK6, PKF, PKE, PKG
    case P1i, P1ii, P2i, P2ii, P3i, P3ii, P4, P5, P6, P7, P8
    case W, L1, L2C, L2B, L2A, L3, L4

    /// The bytes written for the token (P-scales in their usual mixed case).
    var bytes: [UInt8] { tokenBytes[Int(rawValue)] }
}

let tokenBytes: [[UInt8]] = [
    "", "AS", "NS", "N", "B", "A", "J", "T", "U", "D", "L", "M", "F", "H", "Q", "X",
    "GDS", "EXS", "WTS", "HNM", "BLW", "EM", "PK1", "PK2", "PK3", "PK4", "PK5", "PK6", "PKF", "PKE", "PKG",
    "P1i", "P1ii", "P2i", "P2ii", "P3i", "P3ii", "P4", "P5", "P6", "P7", "P8",
    "W", "1", "2C", "2B", "2A", "3", "4",
].map { Array($0.utf8) }

/// The rare KS2 outcome codes of pupils who could not take a test (besides A and J).
let otherKS2Codes: [Token] = [.T, .U, .D, .L, .M, .F, .H, .Q, .X]

/// What a year's pupils can be given: KS1 framework and the KS2 codes below the standard.
struct Era {
    /// KS1 outcome labels lowest first with their national shares, per subject (read, writ, mat).
    let ks1Labels: [[Token]]
    let ks1Shares: [[Double]]
    /// KS1 P-scales given in place of a `P` label.
    let ks1PScales: [Token]
    /// KS2 reading/maths TA of pupils working below the test (`B`), highest first.
    let below: [Token]

    init(year: Int) {
        if year <= 2019 {
            // levels era: KS1 2015 and before; `P` stands for a P-scale
            ks1Labels = Array(repeating: [.P1i, .W, .L1, .L2C, .L2B, .L2A, .L3, .L4], count: 3)
            ks1Shares = [
                [0.7, 2.3, 7, 8, 20, 30, 31.5, 0.5],
                [0.8, 3.2, 8, 14, 25, 30.8, 18, 0.2],
                [0.7, 1.8, 5.5, 10, 22, 33, 26.5, 0.5],
            ]
        } else if year <= 2022 {
            // interim framework, KS1 2016–2018: pre-key-stage foundations (PKF), BLW and P-scales
            ks1Labels = Array(repeating: [.P1i, .BLW, .PKF, .WTS, .EXS, .GDS], count: 3)
            ks1Shares = Array(repeating: [0.8, 0.2, 3.0, 19, 54, 23], count: 3)
        } else {
            // interim framework, KS1 2019 on: PK1–PK4
            ks1Labels = Array(repeating: [.P1i, .BLW, .PK1, .PK2, .PK3, .PK4, .WTS, .EXS, .GDS], count: 3)
            ks1Shares = Array(repeating: [0.8, 0.2, 0.5, 0.5, 0.7, 1.3, 19, 54, 23], count: 3)
        }
        ks1PScales = [.P1i, .P2ii, .P3i, .P4, .P5, .P6, .P7, .P8]
        if year <= 2018 {
            below = [.PKG, .PKE, .PKF, .BLW, .P8, .P7, .P6, .P5, .P4, .P3ii]
        } else if year <= 2021 {
            below = [.PK6, .PK5, .PK4, .PK3, .PK2, .PK1, .BLW, .P4, .P3ii, .P1i]
        } else {
            // 2022 on: the engagement model replaced P-scales 1–4
            below = [.PK6, .PK5, .PK4, .PK3, .PK2, .PK1, .BLW, .BLW, .EM, .EM]
        }
    }
}

/// Writing TA shares, lowest first: the ten `below` values reversed, then WTS, EXS, GDS.
let writingShares: [Double] = [0.1, 0.1, 0.15, 0.2, 0.2, 0.3, 0.4, 0.5, 0.7, 0.9, 17, 58, 21.45]
