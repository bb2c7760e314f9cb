"""The account server: account databases and their container listings."""
