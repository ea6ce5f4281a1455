// PLACEHOLDER: feedd entry point comes with the daemon.
int main() { return 0; }
