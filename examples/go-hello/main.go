// The first seed tutorial's program: built inside golang:latest by the Dockerfile beside it.
package main

import "fmt"

func main() {
	fmt.Println("hello world!")
}
