package localc

func C() string { return "c" }
