from handover.cli import main

raise SystemExit(main())
