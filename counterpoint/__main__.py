from counterpoint.cli.main import main

raise SystemExit(main())
