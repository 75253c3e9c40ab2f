"""What runs the service: `keystage serve`, the demo, the scheduler, reconciling work a
fault left undone, health, upload limits. Sits above the features it drives."""
