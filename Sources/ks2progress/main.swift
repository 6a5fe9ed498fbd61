print("ks2progress")
