import KS2Core
import CXLSXWriter
