package libb

func B() string { return "b" }
