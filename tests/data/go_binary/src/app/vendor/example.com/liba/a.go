package liba

func A() string { return "a" }
