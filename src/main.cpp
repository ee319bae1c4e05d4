#include "cli/app.h"

int main(int argc, char** argv) { return moat::cli::run(argc, argv); }
