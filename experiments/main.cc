#include "experiments/cli.h"

int main(int argc, char** argv) { return agora::run_cli(argc, argv); }
