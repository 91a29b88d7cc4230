module tinytorch

go 1.26.8
