module example.com/localc

go 1.15
