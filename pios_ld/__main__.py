from pios_ld.cli import main

main()
