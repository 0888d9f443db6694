// Entry point; the wiring lives in Hosting/.
return 0;
