module example.com/app

go 1.15

require (
	example.com/liba v1.2.3
	example.com/localc v0.0.0
	github.com/other/libb v0.4.0
)

replace github.com/other/libb v0.4.0 => example.org/forkb v0.5.1

replace example.com/localc => ../localc
