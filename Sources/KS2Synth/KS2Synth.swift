import KS2Core
