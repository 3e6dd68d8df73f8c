-- CreateTable
CREATE TABLE "LinkCheck" (
    "url" TEXT NOT NULL,
    "ok" BOOLEAN NOT NULL,
    "note" TEXT NOT NULL,
    "checkedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LinkCheck_pkey" PRIMARY KEY ("url")
);
