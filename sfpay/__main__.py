from sfpay.cli import main

main()
